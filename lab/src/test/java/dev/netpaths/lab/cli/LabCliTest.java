package dev.netpaths.lab.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabCliTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new LabCli()).setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter())).execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--cni=cilium", "--nodes=0", "--nodes=11", "--clusters=3", "--prefix=NP", "--prefix=averyverylongprefix",
            "--state-dir=relative/dir", "--nodes=three"})
    void badValuesExitWith2AndSayWhy(String option) {
        assertEquals(2, run("up", option));
        String value = option.substring(option.indexOf('=') + 1);
        assertTrue(err.toString().contains(value), "the message names the bad value: " + err);
    }

    @Test
    void unknownSubcommandExitsWith2() {
        assertEquals(2, run("explode"));
    }

    @Test
    void statePathFollowsThePrefix() {
        LabCli.Common c = new LabCli.Common();
        c.prefix = "np";
        assertEquals("/run/netpaths-lab", c.stateDir().toString());
        c.prefix = "lab2";
        assertEquals("/run/netpaths-lab-lab2", c.stateDir().toString());
    }

    @Test
    void environmentDefaultsTreatAnEmptyVariableAsUnset() {
        java.util.Map<String, String> env = java.util.Map.of("LAB_NODES", "", "LAB_CNI", " calico ");
        CommandLine cli = new CommandLine(new LabCli()).setDefaultValueProvider(new LabCli.EnvDefaults(env::get));
        CommandLine.Model.CommandSpec up = cli.parseArgs("up").subcommand().commandSpec();
        assertEquals(3, (int) up.findOption("--nodes").getValue());
        assertEquals("calico", up.findOption("--cni").getValue().toString().toLowerCase());
    }
}
