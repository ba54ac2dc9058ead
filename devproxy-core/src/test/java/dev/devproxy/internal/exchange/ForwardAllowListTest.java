package dev.devproxy.internal.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The forward proxy's allow-list patterns and the authorities it is asked to reach. */
class ForwardAllowListTest {
    @Test
    void theDefaultAllowsLoopbackOnAnyPortAndNothingElse() {
        ForwardAllowList allowed = ForwardAllowList.parse("localhost,127.0.0.1,[::1]");
        assertTrue(allowed.allows("localhost", 3001));
        assertTrue(allowed.allows("LOCALHOST", 443));
        assertTrue(allowed.allows("127.0.0.1", 80));
        assertTrue(allowed.allows("::1", 8443));
        assertFalse(allowed.allows("127.0.0.2", 80));
        assertFalse(allowed.allows("localhost.example.com", 80));
        assertFalse(allowed.allows("example.com", 443));
    }

    @Test
    void aWildcardDomainMatchesHostsUnderItButNotTheDomainItself() {
        ForwardAllowList allowed = ForwardAllowList.parse("*.test");
        assertTrue(allowed.allows("api.test", 443));
        assertTrue(allowed.allows("a.b.test", 80));
        assertFalse(allowed.allows("test", 80));
        assertFalse(allowed.allows("attest", 80));
    }

    @Test
    void aPortPatternAllowsThatPortOnly() {
        ForwardAllowList allowed = ForwardAllowList.parse("example.com:8443, *.corp:443, [::1]:9000");
        assertTrue(allowed.allows("example.com", 8443));
        assertFalse(allowed.allows("example.com", 443));
        assertTrue(allowed.allows("git.corp", 443));
        assertFalse(allowed.allows("git.corp", 80));
        assertTrue(allowed.allows("::1", 9000));
        assertFalse(allowed.allows("::1", 9001));
    }

    @Test
    void aStarAllowsEverything() {
        assertTrue(ForwardAllowList.parse("*").allows("anything.example", 1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", " ", "::1", "[::1", "a*b", "*.", "host:0", "host:65536", "host:x", "user@host", "a/b"})
    void malformedPatternsAreRejected(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> ForwardAllowList.parse(pattern));
    }

    @Test
    void authoritiesParseAsRfc9110Section421Says() {
        assertEquals(new Destination("example.com", 443), Destination.parse("example.com:443", -1));
        assertEquals(new Destination("::1", 8080), Destination.parse("[::1]:8080", -1));
        assertEquals(new Destination("example.com", 80), Destination.parse("example.com", 80));
        assertEquals("[::1]:8080", Destination.parse("[::1]:8080", -1).toString());
        assertNull(Destination.parse("example.com", -1), "CONNECT needs a port (RFC 9112 section 3.2.3)");
        assertNull(Destination.parse("user@example.com:443", -1), "no userinfo (RFC 9110 section 4.2.4)");
        assertNull(Destination.parse("::1:443", -1), "an IPv6 address needs brackets");
        assertNull(Destination.parse("example.com:0", -1));
        assertNull(Destination.parse("example.com:99999", -1));
        assertNull(Destination.parse(":443", -1));
    }
}
