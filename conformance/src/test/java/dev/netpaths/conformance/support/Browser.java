package dev.netpaths.conformance.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.netpaths.conformance.report.BrowserCheck;
import dev.netpaths.testsupport.Tool;

/** The Chromium the report checks render in, for the tests that need one. */
public final class Browser {

    private Browser() {}

    /** Skips the calling test, with the reason, where Chromium is missing; fails it under make test (Tool.REQUIRE). */
    public static void needChromium() {
        Tool chromium = new Tool("Chromium", "make deps, or set " + BrowserCheck.CHROME_BIN, BrowserCheck.chromium());
        assumeTrue(chromium.usable(), chromium.missing());
    }
}
