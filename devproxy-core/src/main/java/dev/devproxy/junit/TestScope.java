package dev.devproxy.junit;

import dev.devproxy.DevProxy;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.RegisteredStub;
import dev.devproxy.stub.UnmatchedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** One test's use of a proxy: checks strict stubbing at its end, then resets what the test changed. */
final class TestScope extends StubScope {
    /** The count of tests using a shared proxy now, or null for a proxy of the test's own. */
    private final @Nullable AtomicInteger sharedTestsRunning;

    TestScope(DevProxy proxy, @Nullable AtomicInteger sharedTestsRunning) {
        super(proxy, "a test");
        this.sharedTestsRunning = sharedTestsRunning;
    }

    void finish() {
        try {
            check();
        } finally {
            if (sharedTestsRunning != null) {
                close();
                sharedTestsRunning.decrementAndGet();
            }
        }
    }

    private void check() {
        if (!proxy.strictStubbing()) {
            return;
        }
        List<UnmatchedRequest> unmatched = proxy.stubs().unmatchedRequests();
        List<RegisteredStub> unused = new ArrayList<>();
        for (RegisteredStub stub : added()) {
            if (stub.uses() == 0) {
                unused.add(stub);
            }
        }
        if (unmatched.isEmpty() && unused.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("Strict stubbing: ");
        if (!unmatched.isEmpty()) {
            message.append(unmatched.size() == 1 ? "1 request matched no stub" : unmatched.size()
                    + " requests matched no stub").append(" and was answered 404:");
            for (UnmatchedRequest request : unmatched) {
                message.append("\n").append(indent(request.report()));
            }
            if (!unused.isEmpty()) {
                message.append("\nAlso, ");
            }
        }
        if (!unused.isEmpty()) {
            message.append(unused.size() == 1 ? "1 stub this test registered was" : unused.size()
                    + " stubs this test registered were").append(" never used:");
            for (RegisteredStub stub : unused) {
                message.append("\n  - ").append(stub.stub().describe());
                if (!stub.registeredAt().isEmpty()) {
                    message.append("  (registered at ").append(stub.registeredAt()).append(')');
                }
            }
        }
        List<JournalEntry> refused = refused();
        if (!refused.isEmpty()) {
            // A request the proxy itself refused (a body over maxBodySize, a malformed head) never reached a
            // stub: often the reason a stub went unused, so the report names it and why.
            message.append(refused.size() == 1 ? "\n1 request was refused by the proxy before any stub saw it:"
                    : "\n" + refused.size() + " requests were refused by the proxy before any stub saw them:");
            for (JournalEntry entry : refused) {
                message.append("\n  - ").append(entry);
            }
        }
        throw new AssertionError(message.toString());
    }

    /** The requests in the journal that the proxy refused itself; none when it keeps no journal. */
    private List<JournalEntry> refused() {
        List<JournalEntry> refused = new ArrayList<>();
        try {
            for (JournalEntry entry : proxy.journal().all()) {
                if (entry.rejection() != null) {
                    refused.add(entry);
                }
            }
        } catch (IllegalStateException e) {
            // built with journalCapacity(0): nothing to add
        }
        return refused;
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }
}
