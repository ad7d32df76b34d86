package dev.netpaths.caller;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** /resolve as a pod sees names: resolv.conf search list and ndots (lab style), hosts file, literals. */
@QuarkusTest
@WithTestResource(TestNetwork.class)
class ResolveTest {

    private static ValidatableResponse resolve(String name) {
        return given().queryParam("name", name).when().get("/resolve").then().statusCode(200);
    }

    @Test
    void aShortNameMatchesTheFirstSearchDomain() {
        resolve("echo")
                .body("name", is("echo")).body("addresses", contains("127.0.0.1"))
                .body("matchedName", is("echo.netpaths.svc.cluster.local")).body("source", is("dns"))
                .body("searchDomains", contains(TestNetwork.SEARCH.toArray())).body("ndots", is(5))
                .body("nameservers[0]", containsString("127.0.0.1:"))
                .body("candidates[0]", is("echo.netpaths.svc.cluster.local"))
                .body("error", nullValue());
    }

    @Test
    void aNamespaceQualifiedNameMatchesALaterSearchDomain() {
        resolve("echo.netpaths-other")
                .body("addresses", contains("127.0.0.3"))
                .body("matchedName", is("echo.netpaths-other.svc.cluster.local"));
    }

    @Test
    void aNameWithAtLeastNdotsDotsIsTriedAsIsFirst() {
        resolve("host.a.b.c.d.e").body("matchedName", is("host.a.b.c.d.e")).body("addresses", contains("127.0.0.4"));
    }

    @Test
    void aNameWithFewerThanNdotsDotsTriesTheSearchListFirst() {
        resolve("host.a.b.c.d")
                .body("matchedName", is("host.a.b.c.d.netpaths.svc.cluster.local"))
                .body("addresses", contains("127.0.0.6"));
    }

    @Test
    void aTrailingDotSkipsTheSearchList() {
        resolve("host.a.b.c.d.")
                .body("matchedName", is("host.a.b.c.d")).body("addresses", contains("127.0.0.7"))
                .body("candidates", contains("host.a.b.c.d"));
    }

    @Test
    void theHostsFileAnswersBeforeDns() {
        resolve("target.allowed.test").body("source", is("hosts")).body("addresses", contains("127.0.0.2"));
    }

    @Test
    void anIpLiteralResolvesToItself() {
        resolve("10.96.0.10").body("source", is("literal")).body("addresses", contains("10.96.0.10"))
                .body("matchedName", nullValue());
    }

    @Test
    void anUnknownNameIsA200WithADnsFailure() {
        resolve("nothing-here")
                .body("addresses.size()", is(0)).body("matchedName", nullValue())
                .body("candidates.size()", is(4))
                .body("error.kind", is("DNS_FAILURE")).body("error.message", containsString("nothing-here"));
    }

    @Test
    void aMissingOrMalformedNameIsABadRequest() {
        given().when().get("/resolve").then().statusCode(400).body("error", is("bad_request"))
                .body("reason", is("name is required"));
        given().queryParam("name", "x".repeat(64) + ".example").when().get("/resolve")
                .then().statusCode(400).body("reason", containsString("not a valid host name"));
    }
}
