package dev.devproxy.stub;

import dev.devproxy.internal.stub.HarReader;
import dev.devproxy.internal.stub.HarWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * HTTP Archives (HAR 1.2, the format browsers' developer tools export and load): the journal written as one,
 * and stubs read from one, so that traffic a browser or another tool captured can answer tests.
 *
 * <pre>{@code
 * Files.writeString(Path.of("target/traffic.har"), proxy.journal().toHar());   // open it in DevTools
 * Har.stubs(Path.of("src/test/resources/checkout.har")).forEach(proxy::stubFor);
 * }</pre>
 *
 * <p>Written bodies are what the journal kept (its body caps say so in a {@code comment}), as they were on the
 * wire before any content coding was undone; text that is not UTF-8 is base64. Read archives become one stub
 * per method, path and query, answering its entries' responses in order.
 */
public final class Har {
    private Har() {
    }

    /**
     * {@code entries} as a HAR 1.2 archive.
     *
     * @param entries journal entries, such as {@code journal().all()}
     * @return the archive's JSON text
     */
    public static String write(List<JournalEntry> entries) {
        String version = Har.class.getPackage().getImplementationVersion();
        return HarWriter.write(entries, version == null ? "development" : version);
    }

    /**
     * Stubs from the archive {@code har}: each distinct method, path and query is matched (query parameters
     * compared decoded, other parameters allowed) and answered with the recorded status, header fields and body,
     * several entries in order. Entries without a response are skipped; the fields DevProxy writes itself
     * (framing, {@code Connection}, {@code Date}) are not replayed.
     *
     * @param har the archive's JSON text
     * @return the stubs, in the order of their first entries
     * @throws IllegalArgumentException when the text is not a HAR archive, naming the entry and field at fault
     */
    public static List<Stub> stubs(String har) {
        return HarReader.stubs(har);
    }

    /**
     * {@link #stubs(String)} of a file, read as UTF-8 (as HAR files are).
     *
     * @param har the archive's path
     * @return the stubs, in the order of their first entries
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is not a HAR archive
     */
    public static List<Stub> stubs(Path har) throws IOException {
        return HarReader.stubs(Files.readString(har, StandardCharsets.UTF_8));
    }
}
