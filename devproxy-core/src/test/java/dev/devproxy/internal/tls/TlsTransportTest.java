package dev.devproxy.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.MemoryTransport;
import dev.devproxy.internal.loop.TransportHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS transport over a pair of in-memory sockets, a client-side one talking to a server-side one: the test
 * shuttles the bytes each writes to the other, so every step runs on the test thread with no port.
 */
@Timeout(20)
class TlsTransportTest {
    private static final long HANDSHAKE_TIMEOUT = Duration.ofSeconds(10).toNanos();
    private static final ByteBuffer PLAIN_ANSWER = ByteBuffer.wrap(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

    private static TlsIdentity authority;
    private static SSLContext serverContext;
    private static SSLContext clientContext;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final EventLoop loop = new EventLoop("tls-test", nanos::get, 1_000_000L);
    private final MemoryTransport serverSocket = new MemoryTransport();
    private final MemoryTransport clientSocket = new MemoryTransport();

    @BeforeAll
    static void makeIdentity() {
        authority = CertificateMaker.certificateAuthority("TlsTransportTest CA", Duration.ofDays(1));
        TlsIdentity leaf = CertificateMaker.leaf(authority, List.of("localhost"), Duration.ofDays(1));
        serverContext = TlsEngines.serverContext(leaf, new javax.net.ssl.TrustManager[0]);
        clientContext = authority.clientContext();
    }

    @AfterEach
    void closeLoop() throws IOException {
        loop.selector().close();
    }

    private TlsTransport server() {
        return TlsTransport.server(serverSocket, TlsEngines.server(serverContext, dev.devproxy.TlsClientAuth.NONE), loop,
                HANDSHAKE_TIMEOUT, PLAIN_ANSWER);
    }

    private TlsTransport client(String protocol) throws IOException {
        SSLEngine engine = TlsEngines.client(clientContext, "localhost", 443);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        engine.setSSLParameters(parameters);
        return TlsTransport.client(clientSocket, engine, loop);
    }

    /** Moves bytes between the two sockets and signals readiness until nothing moves. */
    private void shuttle() {
        for (int round = 0; round < 10_000; round++) {
            boolean moved = false;
            String toServer = clientSocket.takeOutput();
            if (!toServer.isEmpty()) {
                serverSocket.feed(toServer);
                moved = true;
            }
            String toClient = serverSocket.takeOutput();
            if (!toClient.isEmpty()) {
                clientSocket.feed(toClient);
                moved = true;
            }
            moved |= serverSocket.pump();
            moved |= clientSocket.pump();
            loop.runPending();
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the pair never went quiet");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void bytesCrossBothWaysExactlyAndIdleConnectionsHoldNoBuffer(String protocol) throws IOException {
        Peer server = new Peer(server());
        Peer client = new Peer(client(protocol));
        client.transport.connect(new InetSocketAddress("127.0.0.1", 443));
        server.wantRead();
        shuttle();

        assertTrue(client.connected, "connected once the handshake is done");
        assertEquals(protocol, server.transport.engine().getSession().getProtocol());
        assertEquals("http/1.1", server.transport.engine().getApplicationProtocol());
        assertEquals(0, loop.recordBuffers.inUse(), "an idle TLS connection holds no record buffer");

        byte[] up = random(300_000, 1);
        byte[] down = random(200_000, 2);
        client.send(up);
        server.send(down);
        client.wantRead();
        shuttle();

        assertArrayEquals(up, server.received.toByteArray());
        assertArrayEquals(down, client.received.toByteArray());
        assertNull(server.failure);
        assertNull(client.failure);
        assertEquals(0, loop.recordBuffers.inUse(), "every record buffer is back once drained");
    }

    @Test
    void aServerGivenTheClientHelloAlreadyReadFinishesTheHandshakeWithoutTheSocketSignallingIt() throws IOException {
        Peer client = new Peer(client("TLSv1.3"));
        client.transport.connect(new InetSocketAddress("127.0.0.1", 443));
        String clientHello = clientSocket.takeOutput(); // read by a plain connection before TLS went on (CONNECT)
        assertFalse(clientHello.isEmpty());

        Peer server = new Peer(TlsTransport.server(serverSocket,
                TlsEngines.server(serverContext, dev.devproxy.TlsClientAuth.NONE), loop, HANDSHAKE_TIMEOUT, null,
                ByteBuffer.wrap(clientHello.getBytes(StandardCharsets.ISO_8859_1))));
        server.wantRead();
        loop.runPending(); // the transport's own start: no socket readiness will announce those bytes
        shuttle();

        assertTrue(client.connected, "the handshake finished from the bytes handed over");
        client.send("after".getBytes(StandardCharsets.US_ASCII));
        shuttle();
        assertEquals("after", server.received.toString(StandardCharsets.US_ASCII));
        assertNull(server.failure);
    }

    @Test
    void aShortSocketWriteKeepsTheRecordAsPendingOutputUntilTheSocketTakesIt() throws IOException {
        Peer server = new Peer(server());
        Peer client = new Peer(client("TLSv1.3"));
        client.transport.connect(new InetSocketAddress("127.0.0.1", 443));
        server.wantRead();
        shuttle();

        serverSocket.limitWrites(100);
        byte[] down = random(10_000, 3);
        long taken = server.transport.write(new ByteBuffer[] {ByteBuffer.wrap(down)}, 0, 1);
        assertEquals(10_000, taken, "the engine took the bytes into one record");
        assertTrue(server.transport.hasPendingOutput(), "most of the record is still waiting for the socket");
        assertTrue(serverSocket.wantsWrite(), "and the socket waits to be writable");
        assertEquals(1, loop.recordBuffers.inUse());

        serverSocket.unlimitWrites();
        client.wantRead();
        shuttle();
        assertFalse(server.transport.hasPendingOutput());
        assertArrayEquals(down, client.received.toByteArray());
        assertEquals(0, loop.recordBuffers.inUse());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void closeSendsCloseNotifySoThePeerSeesAnOrderlyEnd(String protocol) throws IOException {
        Peer server = new Peer(server());
        Peer client = new Peer(client(protocol));
        client.transport.connect(new InetSocketAddress("127.0.0.1", 443));
        server.wantRead();
        shuttle();

        client.transport.close();
        serverSocket.feed(clientSocket.takeOutput());
        serverSocket.endInput();
        shuttle();

        assertTrue(server.ended, "close_notify, then the end of the stream: -1");
        assertNull(server.failure);
    }

    @Test
    void aPeerThatClosesWithoutCloseNotifyIsATruncation() throws IOException {
        Peer server = new Peer(server());
        Peer client = new Peer(client("TLSv1.3"));
        client.transport.connect(new InetSocketAddress("127.0.0.1", 443));
        server.wantRead();
        shuttle();
        client.send("partial".getBytes(StandardCharsets.US_ASCII));
        shuttle();

        serverSocket.endInput(); // the TCP connection ends, no close_notify came
        shuttle();

        assertEquals("partial", server.received.toString(StandardCharsets.US_ASCII));
        assertFalse(server.ended, "not an orderly end");
        assertInstanceOf(TlsTransport.TruncatedException.class, server.failure);
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws IOException {
        Peer server = new Peer(server());
        Peer client = new Peer(client("TLSv1.2"));
        client.transport.connect(new InetSocketAddress("127.0.0.1", 443));
        server.wantRead();
        shuttle();

        client.transport.engine().beginHandshake();
        client.wantRead();
        client.transport.interest(true, true); // its next wrap is the new ClientHello
        client.transport.onReady(false, true);
        shuttle();

        assertNotNull(server.failure);
        assertTrue(server.failure.getMessage().contains("renegotiation refused"), server.failure.getMessage());
    }

    @Test
    void plainHttpToTheTlsPortIsAnsweredInPlainTextAndRefused() {
        Peer server = new Peer(server());
        server.wantRead();
        serverSocket.feed("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        serverSocket.pump(); // no shuttle: what the server writes stays to be read here

        assertTrue(serverSocket.takeOutput().startsWith("HTTP/1.1 400 Bad Request\r\n"));
        assertTrue(serverSocket.isOutputShut());
        assertInstanceOf(TlsTransport.NotTlsException.class, server.failure);
        assertEquals(0, loop.recordBuffers.inUse());
    }

    @Test
    void garbageInsteadOfAClientHelloFailsWithoutAnAnswer() {
        Peer server = new Peer(server());
        server.wantRead();
        serverSocket.feed(new byte[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06});
        serverSocket.pump();

        assertEquals("", serverSocket.takeOutput());
        assertInstanceOf(TlsTransport.NotTlsException.class, server.failure);
    }

    @Test
    void aHandshakeRecordOfGarbageFailsTheHandshake() {
        Peer server = new Peer(server());
        server.wantRead();
        serverSocket.feed(new byte[] {0x16, 0x03, 0x01, 0x00, 0x04, 0x7f, 0x7f, 0x7f, 0x7f});
        shuttle();

        assertInstanceOf(SSLException.class, server.failure);
    }

    @Test
    void aHandshakeNotDoneInTimeFailsTheConnection() {
        Peer server = new Peer(server());
        server.wantRead();
        serverSocket.feed(new byte[] {0x16, 0x03, 0x01}); // a ClientHello that never finishes
        shuttle();
        assertNull(server.failure);

        nanos.addAndGet(HANDSHAKE_TIMEOUT + 1_000_000L);
        loop.runPending();

        assertNotNull(server.failure);
        assertTrue(server.failure.getMessage().contains("not done in time"), server.failure.getMessage());
    }

    @Test
    void aClientOfferingOnlyH2FallsBackToNoProtocolRatherThanAnAlert() throws IOException {
        Peer server = new Peer(server());
        SSLEngine engine = TlsEngines.client(clientContext, "localhost", 443);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        engine.setSSLParameters(parameters);
        Peer client = new Peer(TlsTransport.client(clientSocket, engine, loop));
        client.transport.connect(new InetSocketAddress("127.0.0.1", 443));
        server.wantRead();
        shuttle();

        assertTrue(client.connected);
        assertEquals("", server.transport.engine().getApplicationProtocol());
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The connection above a transport: reads everything, writes what it was given, records how it ended. */
    private static final class Peer implements TransportHandler {
        final TlsTransport transport;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer pending = ByteBuffer.allocate(0);
        boolean reading;
        boolean connected;
        boolean ended;
        @Nullable IOException failure;

        Peer(TlsTransport transport) {
            this.transport = transport;
            transport.bind(this);
        }

        void wantRead() {
            reading = true;
            update();
        }

        void send(byte[] bytes) {
            pending = ByteBuffer.wrap(bytes);
            write();
        }

        private void update() {
            if (failure == null && !ended) {
                transport.interest(reading, pending.hasRemaining() || transport.hasPendingOutput());
            }
        }

        private void write() {
            try {
                transport.write(new ByteBuffer[] {pending}, 0, 1);
            } catch (IOException e) {
                failure = e;
            }
            update();
        }

        @Override
        public void onReady(boolean readable, boolean writable) {
            if (writable) {
                write();
            }
            if (readable) {
                ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
                do {
                    buffer.clear();
                    int count;
                    try {
                        count = transport.read(buffer);
                    } catch (IOException e) {
                        failure = e;
                        return;
                    }
                    if (count < 0) {
                        ended = true;
                        return;
                    }
                    received.write(buffer.array(), 0, buffer.position());
                } while (transport.hasBufferedInput());
            }
            update();
        }

        @Override
        public void onConnected() {
            connected = true;
            update();
        }

        @Override
        public void onConnectFailed(IOException failure) {
            this.failure = failure;
        }

        @Override
        public void forceClose() {
            failure = failure != null ? failure : new IOException("force-closed");
        }
    }
}
