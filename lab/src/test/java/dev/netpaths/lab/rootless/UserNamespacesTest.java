package dev.netpaths.lab.rootless;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserNamespacesTest {
    @Test
    void onlyTheFullIdentityMapIsTheMachinesOwn() {
        assertTrue(UserNamespaces.isIdentityMap("         0          0 4294967295\n"));
        // what unshare --map-root-user gives user 1000: root inside is 1000 outside, nobody else exists
        assertFalse(UserNamespaces.isIdentityMap("         0       1000          1\n"));
        // root running a rootless lab: root maps to root, still only one uid
        assertFalse(UserNamespaces.isIdentityMap("         0          0          1\n"));
    }

    @Test
    void ownUserNamespaceIsReadable() {
        assertTrue(UserNamespaces.self().orElseThrow().matches("user:\\[[0-9]+]"));
        assertEquals(UserNamespaces.self(), UserNamespaces.of(ProcessHandle.current().pid()));
        assertTrue(UserNamespaces.of(Long.MAX_VALUE).isEmpty());
    }

    @Test
    void sbinDirsAreAddedOnceForTheLabsTools() {
        assertEquals("/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin", RootlessLab.withSbin("/usr/bin:/bin"));
        assertEquals("/usr/sbin:/usr/bin:/usr/local/sbin:/sbin", RootlessLab.withSbin("/usr/sbin:/usr/bin"));
        assertEquals("/usr/local/sbin:/usr/sbin:/sbin", RootlessLab.withSbin(""));
    }
}
