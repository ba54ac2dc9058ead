package dev.devproxy.junit;

import static dev.devproxy.junit.PerClassExtensionTest.send;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.devproxy.DevProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A proxy built without a journal still runs its tests; only reading the journal says there is none. */
class NoJournalTest {
    @RegisterExtension
    static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1)
            .journalCapacity(0));

    @Test
    void stubsWorkWithoutAJournal(DevProxy proxy) throws Exception {
        proxy.stubFor(get("/a").willReturn(text(200, "a")));

        assertEquals("a", send(proxy, "/a"));
        assertThrows(IllegalStateException.class, proxy::journal);
    }

    @Test
    void aSecondTestStartsAsUsual(DevProxy proxy) throws Exception {
        assertEquals(0, proxy.stubs().list().size());
    }
}
