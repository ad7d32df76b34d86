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
        java.util.function.UnaryOperator<String> env = java.util.Map.of("HOME", "/home/ann")::get;
        c.prefix = "np";
        assertEquals("/run/netpaths-lab", c.stateDir(false, env).toString());
        assertEquals("/home/ann/.local/state/netpaths-lab", c.stateDir(true, env).toString());
        c.prefix = "lab2";
        assertEquals("/run/netpaths-lab-lab2", c.stateDir(false, env).toString());
        assertEquals("/home/ann/.local/state/netpaths-lab-lab2", c.stateDir(true, env).toString());
    }

    @Test
    void badRootlessModeExitsWith2AndNamesTheAllowedValues() {
        assertEquals(2, run("status", "--rootless=maybe"));
        assertTrue(err.toString().contains("must be auto, yes or no, got 'maybe'"), err.toString());
    }

    @Test
    void rootlessModeAndStateDirComeFromTheEnvironment() {
        java.util.Map<String, String> env = java.util.Map.of("LAB_ROOTLESS", "yes", "LAB_STATE_DIR", "/tmp/s");
        CommandLine cli = new CommandLine(new LabCli()).setDefaultValueProvider(new LabCli.EnvDefaults(env::get));
        CommandLine.Model.CommandSpec up = cli.parseArgs("up").subcommand().commandSpec();
        assertEquals("yes", up.findOption("--rootless").getValue());
        assertEquals("/tmp/s", up.findOption("--state-dir").getValue().toString());
    }

    @Test
    void theLabKnowsNoHarness() {
        CommandLine cli = new CommandLine(new LabCli());
        assertTrue(!cli.getSubcommands().containsKey("run") && !cli.getSubcommands().containsKey("case"),
                "run and case are scripts/lab/lab.sh's: up, the harness, down");
    }

    @Test
    void stateDirWithoutALabExitsWith2NamingTheDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertEquals(2, run("state-dir", "--state-dir", dir.toString()));
        assertTrue(err.toString().contains("no lab in " + dir), err.toString());
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
