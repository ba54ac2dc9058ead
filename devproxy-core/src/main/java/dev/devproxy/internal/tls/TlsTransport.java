package dev.devproxy.internal.tls;

import dev.devproxy.internal.loop.BufferPool;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.ScheduledTask;
import dev.devproxy.internal.loop.Transport;
import dev.devproxy.internal.loop.TransportHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * TLS as a layer over another transport (the socket's), in the manner of Jetty's {@code SslConnection}: the
 * connection above reads and writes application bytes, this layer runs an {@link SSLEngine} between them and
 * the socket. Confined to the loop's thread; never blocks.
 *
 * <p><b>Buffers.</b> Encrypted bytes sit in buffers from the loop's {@link EventLoop#recordBuffers} pool, each
 * one taken only while bytes are in flight and given back as soon as it is drained: {@code netIn} while a record
 * is partly read, {@code netOut} while a record is not yet on the socket, {@code appIn} while a decrypted record
 * is larger than the reader's room. An idle connection holds none of them. Decryption goes straight into the
 * reader's buffer when it has room for a whole record, which it usually has.
 *
 * <p><b>Handshakes at any time.</b> The engine's handshake states are handled wherever they come up, not only
 * before the first application byte: a TLS 1.3 KeyUpdate or NewSessionTicket arriving mid-stream is answered
 * in line. Delegated tasks (certificate checks, key agreement: well under a millisecond for EC P-256) run inline
 * on the loop, as Kafka's {@code SslTransportLayer} runs them; handing them to another thread would cost more
 * than they do. A server refuses a renegotiation (a second handshake in TLS 1.2): the connection fails.
 *
 * <p><b>Ends.</b> {@link #shutdownOutput} and {@link #close} send {@code close_notify} (best effort on close:
 * what one non-blocking write takes). A peer that closes the socket without sending {@code close_notify} is a
 * truncation, not an end: {@link #read} throws {@link TruncatedException}, so a close-delimited body cut short
 * is never taken for a complete one.
 *
 * <p><b>Handshake timing.</b> A client-side transport reports {@link TransportHandler#onConnected} only once the
 * handshake is done, so the connection's connect timeout bounds both. A server-side one closes through its handler
 * when the handshake takes longer than its timeout.
 */
public final class TlsTransport implements Transport, TransportHandler {
    /** TLS record content type of a handshake: the first byte of every ClientHello. */
    private static final byte HANDSHAKE_RECORD = 0x16;
    private static final int RECORD_HEADER = 5;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** The peer closed the socket without {@code close_notify}: what it sent may have been cut short. */
    public static final class TruncatedException extends IOException {
        private static final long serialVersionUID = 1L;

        TruncatedException() {
            super("peer closed the connection without a TLS close_notify");
        }
    }

    private final Transport socket;
    private final SSLEngine engine;
    private final BufferPool records;
    private final EventLoop loop;
    /** What a server answers a peer that sent plain HTTP instead of a ClientHello; null for a client. */
    private final @Nullable ByteBuffer plainHttpAnswer;
    private final ByteBuffer[] netOutArray = new ByteBuffer[1];
    private @Nullable TransportHandler handler;
    private @Nullable ByteBuffer netIn;
    private @Nullable ByteBuffer netOut;
    private @Nullable ByteBuffer appIn;
    private @Nullable ScheduledTask handshakeTimer;
    private @Nullable IOException failure;
    private boolean handshakeDone;
    /** A client whose socket is connected and whose handshake runs: {@code onConnected} is still owed. */
    private boolean connecting;
    private boolean wantRead;
    private boolean wantWrite;
    private boolean socketEnded;
    private boolean firstByteSeen;
    private boolean shutdownAfterFlush;
    private boolean resetOnClose;
    private boolean closed;

    private TlsTransport(Transport socket, SSLEngine engine, EventLoop loop, @Nullable ByteBuffer plainHttpAnswer) {
        this.socket = socket;
        this.engine = engine;
        this.loop = loop;
        this.records = loop.recordBuffers;
        this.plainHttpAnswer = plainHttpAnswer;
        socket.bind(this);
    }

    /**
     * The server side of an accepted connection: waits for the ClientHello and fails the connection through its
     * handler if the handshake is not done within {@code handshakeTimeoutNanos}.
     *
     * @param engine an engine in server mode, configured (protocols, ALPN, client authentication)
     * @param plainHttpAnswer the bytes written to a peer whose first byte is not a TLS record but looks like
     *     plain HTTP, before closing; null to close without a word
     */
    public static TlsTransport server(Transport socket, SSLEngine engine, EventLoop loop, long handshakeTimeoutNanos,
            @Nullable ByteBuffer plainHttpAnswer) {
        return server(socket, engine, loop, handshakeTimeoutNanos, plainHttpAnswer, EMPTY);
    }

    /**
     * As {@link #server(Transport, SSLEngine, EventLoop, long, ByteBuffer)}, on a connection that has already
     * spoken plain HTTP: {@code alreadyRead} holds what the peer sent after its last plain message (a ClientHello
     * right behind its CONNECT), copied in and read before the socket. The socket will not signal those bytes, so
     * the handshake is also started from a task on the loop.
     *
     * @param alreadyRead bytes from its position to its limit, at most one record buffer; consumed
     */
    public static TlsTransport server(Transport socket, SSLEngine engine, EventLoop loop, long handshakeTimeoutNanos,
            @Nullable ByteBuffer plainHttpAnswer, ByteBuffer alreadyRead) {
        TlsTransport transport = new TlsTransport(socket, engine, loop, plainHttpAnswer);
        if (alreadyRead.hasRemaining()) {
            ByteBuffer held = transport.records.acquire();
            if (alreadyRead.remaining() > held.remaining()) {
                transport.records.release(held);
                throw new IllegalArgumentException("more bytes before the handshake than a TLS record buffer holds");
            }
            held.put(alreadyRead).flip();
            transport.netIn = held;
            loop.execute(() -> transport.onReady(true, false));
        }
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            transport.failure = e;
        }
        transport.handshakeTimer = loop.schedule(handshakeTimeoutNanos, transport::handshakeTimedOut);
        socket.interest(true, false);
        return transport;
    }

    /** The client side of an outbound connection; the handshake starts once the socket connects. */
    public static TlsTransport client(Transport socket, SSLEngine engine, EventLoop loop) {
        return new TlsTransport(socket, engine, loop, null);
    }

    /** The engine, for the facts of its session (protocol, cipher suite, peer certificates, ALPN). */
    public SSLEngine engine() {
        return engine;
    }

    /** Whether the handshake has completed. */
    public boolean isHandshakeDone() {
        return handshakeDone;
    }

    // ---- Binding and connecting ---------------------------------------------------------------------------

    @Override
    public void bind(TransportHandler handler) {
        this.handler = handler;
    }

    @Override
    public boolean connect(InetSocketAddress remote) throws IOException {
        connecting = true;
        if (socket.connect(remote)) {
            startClientHandshake();
        }
        return false; // connected only once the handshake is done
    }

    @Override
    public void onConnected() {
        startClientHandshake();
    }

    private void startClientHandshake() {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            connectFailed(e);
            return;
        }
        advance();
    }

    @Override
    public void onConnectFailed(IOException failure) {
        connecting = false;
        handler().onConnectFailed(failure);
    }

    private void connectFailed(IOException cause) {
        failure = cause;
        connecting = false;
        handler().onConnectFailed(cause);
    }

    // ---- Readiness from the socket ------------------------------------------------------------------------

    @Override
    public void onReady(boolean readable, boolean writable) {
        if (closed) {
            return;
        }
        if (writable && netOut != null) {
            flushNet();
        }
        if (failure == null && !handshakeDone) {
            advance(); // tells the handler what it waited for once the handshake is done
            return;
        }
        if (failure == null && handshaking()) {
            advance(); // a handshake message after the handshake (TLS 1.3 KeyUpdate): then on as usual
            if (closed || failure != null) {
                return;
            }
        }
        TransportHandler target = handler();
        boolean canRead = wantRead && (readable || hasBufferedInput() || socketEnded || failure != null);
        boolean canWrite = wantWrite && netOut == null && (writable || failure != null);
        mapInterest();
        if (canRead || canWrite) {
            target.onReady(canRead, canWrite);
        }
    }

    private boolean handshaking() {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED;
    }

    /**
     * Drives the handshake as far as the socket allows: wraps what the engine wants sent, reads and unwraps what
     * it waits for, runs its tasks. Then, if the handshake has just finished, tells the handler: a client
     * transport that it is connected, either side what it was waiting for.
     */
    private void advance() {
        boolean wasDone = handshakeDone;
        try {
            handshake();
        } catch (IOException e) {
            fail(e);
            return;
        }
        mapInterest();
        if (!wasDone && handshakeDone) {
            cancelHandshakeTimer();
            if (connecting) {
                connecting = false;
                handler().onConnected();
                return;
            }
            // Decrypted bytes may already be waiting (a request sent with the client's Finished).
            boolean canRead = wantRead && (hasBufferedInput() || socketEnded);
            boolean canWrite = wantWrite && netOut == null;
            if (canRead || canWrite) {
                handler().onReady(canRead, canWrite);
            }
        }
    }

    private void handshake() throws IOException {
        while (!closed) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    if (netOut != null) {
                        return; // the socket has not taken the last record yet; writable resumes
                    }
                    wrap(EMPTY_ARRAY, 0, 0);
                    if (netOut != null) {
                        return;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapHandshake()) {
                        return; // waits for the peer
                    }
                }
                default -> {
                    if (!handshakeDone && engine.getSession().getProtocol().startsWith("TLS")) {
                        handshakeDone = true;
                    }
                    return;
                }
            }
        }
    }

    private static final ByteBuffer[] EMPTY_ARRAY = {EMPTY};

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Unwraps one handshake record, reading the socket when no whole record is held.
     *
     * @return whether the engine moved on; false when it waits for bytes the socket has not brought
     */
    private boolean unwrapHandshake() throws IOException {
        ByteBuffer sink = appIn != null ? appIn : (appIn = records.acquire().flip());
        sink.compact();
        SSLEngineResult result;
        try {
            result = unwrapInto(sink);
        } finally {
            sink.flip();
            releaseAppInIfEmpty();
        }
        if (result == null) {
            if (socketEnded) {
                throw new SSLHandshakeException("peer closed the connection during the TLS handshake");
            }
            return false;
        }
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLHandshakeException("peer closed TLS during the handshake");
        }
        return true;
    }

    /**
     * Unwraps one record from {@code netIn} into {@code dst}, reading the socket first when no whole record is
     * held. Checks the first byte a server sees.
     *
     * @return the engine's result, or null when a whole record is not there yet
     */
    private @Nullable SSLEngineResult unwrapInto(ByteBuffer dst) throws IOException {
        if (!hasWholeRecord()) {
            readSocket();
            if (!hasWholeRecord() && !(netIn != null && netIn.hasRemaining() && !firstByteSeen)) {
                return null;
            }
        }
        ByteBuffer source = netIn;
        if (source == null) {
            return null;
        }
        if (!firstByteSeen && source.hasRemaining()) {
            firstByteSeen = true;
            if (plainHttpAnswer != null && source.get(source.position()) != HANDSHAKE_RECORD) {
                refusePlainPeer(source.get(source.position()));
            }
            if (!hasWholeRecord()) {
                return null;
            }
        }
        SSLEngineResult result = engine.unwrap(source, dst);
        releaseNetInIfEmpty();
        return result;
    }

    /** A server's first byte was not a TLS handshake record: plain HTTP gets a plain 400, garbage nothing. */
    private void refusePlainPeer(byte first) throws IOException {
        if (first >= 'A' && first <= 'Z' && plainHttpAnswer != null) {
            ByteBuffer answer = plainHttpAnswer.duplicate();
            try {
                socket.write(new ByteBuffer[] {answer}, 0, 1);
                socket.shutdownOutput();
            } catch (IOException e) {
                // The peer is gone: nothing to tell it.
            }
            throw new NotTlsException("plain HTTP sent to the HTTPS port; answered 400");
        }
        throw new NotTlsException("not a TLS handshake: first byte 0x" + Integer.toHexString(first & 0xff));
    }

    /** The peer does not speak TLS at all. */
    public static final class NotTlsException extends SSLException {
        private static final long serialVersionUID = 1L;

        NotTlsException(String message) {
            super(message);
        }
    }

    /** Whether {@code netIn} holds at least one whole TLS record (its header's length says). */
    private boolean hasWholeRecord() {
        ByteBuffer source = netIn;
        if (source == null || source.remaining() < RECORD_HEADER) {
            return false;
        }
        int start = source.position();
        int length = ((source.get(start + 3) & 0xff) << 8) | (source.get(start + 4) & 0xff);
        return source.remaining() >= RECORD_HEADER + length;
    }

    /** Reads what the socket has into {@code netIn}, taking a buffer for it if none is held. */
    private void readSocket() throws IOException {
        if (socketEnded) {
            return;
        }
        ByteBuffer source = netIn;
        if (source == null) {
            source = records.acquire().flip();
            netIn = source;
        }
        source.compact();
        int count;
        try {
            count = socket.read(source);
        } finally {
            source.flip();
        }
        if (count < 0) {
            socketEnded = true;
        } else if (count == 0 && source.limit() == source.capacity() && !hasWholeRecord()) {
            throw new SSLException("TLS record larger than " + source.capacity() + " bytes");
        }
        releaseNetInIfEmpty();
    }

    // ---- Application bytes --------------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw failed;
        }
        if (!handshakeDone) {
            return 0;
        }
        try {
            return readApplication(dst);
        } catch (IOException e) {
            recordFailure(e);
            throw e;
        }
    }

    private int readApplication(ByteBuffer dst) throws IOException {
        ByteBuffer held = appIn;
        if (held != null && held.hasRemaining()) {
            return handUp(held, dst);
        }
        while (true) {
            SSLEngineResult result = unwrapInto(dst);
            if (result == null) {
                if (socketEnded) {
                    if (engine.isInboundDone()) {
                        return -1;
                    }
                    throw new TruncatedException();
                }
                return 0;
            }
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    // The record is larger than the reader's room: decrypt aside and hand up what fits.
                    ByteBuffer aside = records.acquire();
                    appIn = aside;
                    try {
                        result = engine.unwrap(netInOrEmpty(), aside);
                    } finally {
                        aside.flip();
                        releaseNetInIfEmpty();
                    }
                    afterUnwrap(result);
                    if (aside.hasRemaining()) {
                        return handUp(aside, dst);
                    }
                    releaseAppInIfEmpty();
                }
                case CLOSED -> {
                    // close_notify: the engine may want to answer it (TLS 1.2 does), which is no renegotiation.
                    if (handshaking()) {
                        handshake();
                    }
                    return -1;
                }
                default -> {
                    afterUnwrap(result);
                    if (result.bytesProduced() > 0) {
                        return result.bytesProduced();
                    }
                    if (result.bytesConsumed() == 0) {
                        return 0; // the engine waits for something else (its own output): writable resumes
                    }
                }
            }
        }
    }

    private ByteBuffer netInOrEmpty() {
        ByteBuffer source = netIn;
        return source != null ? source : EMPTY;
    }

    /** After an application-data unwrap: a handshake message may have come with it (KeyUpdate, renegotiation). */
    private void afterUnwrap(SSLEngineResult result) throws IOException {
        HandshakeStatus status = result.getHandshakeStatus();
        if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED) {
            return;
        }
        if (!engine.getUseClientMode() && !engine.getSession().getProtocol().equals("TLSv1.3")) {
            throw new SSLException("client-initiated TLS renegotiation refused");
        }
        handshake(); // TLS 1.3 post-handshake messages: KeyUpdate, NewSessionTicket
        mapInterest();
    }

    private int handUp(ByteBuffer held, ByteBuffer dst) {
        int count = Math.min(held.remaining(), dst.remaining());
        int limit = held.limit();
        held.limit(held.position() + count);
        dst.put(held);
        held.limit(limit);
        releaseAppInIfEmpty();
        return count;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw failed;
        }
        if (!handshakeDone || netOut != null || handshaking()) {
            return 0; // nothing leaves before the handshake, nor past a record the socket has not taken
        }
        long taken = 0;
        try {
            while (remaining(srcs, offset, length)) {
                SSLEngineResult result = wrap(srcs, offset, length);
                taken += result.bytesConsumed();
                if (netOut != null || result.bytesConsumed() == 0 || handshaking()) {
                    break;
                }
            }
            if (handshaking()) {
                handshake(); // the engine started a KeyUpdate of its own
            }
        } catch (IOException e) {
            recordFailure(e);
            throw e;
        }
        IOException writeFailed = failure;
        if (writeFailed != null && taken == 0) {
            throw writeFailed; // the socket write failed
        }
        mapInterest();
        return taken;
    }

    private static boolean remaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Wraps one record into a fresh {@code netOut} and writes it; keeps {@code netOut} only if the socket left some. */
    private SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length) throws IOException {
        ByteBuffer out = records.acquire();
        netOut = out;
        SSLEngineResult result;
        try {
            result = engine.wrap(srcs, offset, length, out);
        } catch (SSLException e) {
            out.flip();
            flushNet(); // an alert the engine wrote before failing, best effort
            throw e;
        }
        out.flip();
        if (result.getStatus() == SSLEngineResult.Status.CLOSED && result.bytesProduced() == 0
                && result.bytesConsumed() == 0 && srcs != EMPTY_ARRAY) {
            flushNet();
            throw new SSLException("TLS output already closed");
        }
        if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        flushNet();
        return result;
    }

    /** Writes {@code netOut} to the socket; gives it back once drained, then does a deferred shutdown. */
    private void flushNet() {
        ByteBuffer out = netOut;
        if (out == null) {
            return;
        }
        if (out.hasRemaining()) {
            netOutArray[0] = out;
            try {
                socket.write(netOutArray, 0, 1);
            } catch (IOException e) {
                netOutArray[0] = null;
                failure = e;
                return;
            }
            netOutArray[0] = null;
        }
        if (!out.hasRemaining()) {
            netOut = null;
            records.release(out);
            if (shutdownAfterFlush) {
                shutdownAfterFlush = false;
                try {
                    socket.shutdownOutput();
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
    }

    @Override
    public boolean hasBufferedInput() {
        ByteBuffer held = appIn;
        // A whole record held while a record of ours waits for the socket may be one the engine cannot take
        // before that one leaves: writable resumes reading then, so it does not count.
        return handshakeDone && (held != null && held.hasRemaining() || netOut == null && hasWholeRecord());
    }

    @Override
    public boolean hasPendingOutput() {
        return netOut != null;
    }

    @Override
    public void interest(boolean read, boolean write) {
        wantRead = read;
        wantWrite = write;
        mapInterest();
    }

    /** What the socket must wait for: what the engine needs during a handshake, what the connection wants after. */
    private void mapInterest() {
        if (closed) {
            return;
        }
        boolean socketWrite = netOut != null;
        boolean socketRead;
        if (!handshakeDone || handshaking()) {
            HandshakeStatus status = engine.getHandshakeStatus();
            socketRead = status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN
                    || !handshakeDone && status == HandshakeStatus.NOT_HANDSHAKING && !connecting;
            socketWrite |= handshakeDone && wantWrite;
        } else {
            socketRead = wantRead && !socketEnded;
            socketWrite |= wantWrite;
        }
        socket.interest(socketRead && !socketEnded, socketWrite);
    }

    // ---- Failing and closing ------------------------------------------------------------------------------

    /** Keeps the first failure: every later read or write throws it. */
    private void recordFailure(IOException cause) {
        if (failure == null) {
            failure = cause;
        }
        cancelHandshakeTimer();
        // Input is never read again: its buffers go back now, not when the connection gets round to closing.
        release(netIn);
        release(appIn);
        netIn = null;
        appIn = null;
    }

    /** A failure found outside a call from the handler: records it and tells the handler, as a socket error would. */
    private void fail(IOException cause) {
        recordFailure(cause);
        if (connecting) {
            connectFailed(cause);
            return;
        }
        TransportHandler target = handler;
        if (target == null) {
            return;
        }
        // Let the connection find the failure on its next read or write, the way a socket's errors reach it.
        if (wantRead || wantWrite) {
            target.onReady(wantRead, wantWrite && !wantRead);
        } else {
            target.forceClose();
        }
    }

    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (!handshakeDone && !closed) {
            fail(new SSLHandshakeException("TLS handshake not done in time"));
        }
    }

    private void cancelHandshakeTimer() {
        ScheduledTask timer = handshakeTimer;
        if (timer != null) {
            handshakeTimer = null;
            timer.cancel();
        }
    }

    /** The failure that ended this transport, if one did: a handshake's names its cause. */
    public @Nullable IOException failure() {
        return failure;
    }

    @Override
    public void shutdownOutput() throws IOException {
        engine.closeOutbound();
        if (netOut == null) {
            wrap(EMPTY_ARRAY, 0, 1);
        }
        if (netOut != null) {
            shutdownAfterFlush = true;
            mapInterest();
        } else {
            socket.shutdownOutput();
        }
    }

    @Override
    public void resetOnClose() {
        resetOnClose = true;
        socket.resetOnClose();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!resetOnClose && handshakeDone && failure == null && !engine.isOutboundDone()) {
            // close_notify, in what one non-blocking write takes: a close does not wait for the peer.
            engine.closeOutbound();
            if (netOut == null) {
                try {
                    wrap(EMPTY_ARRAY, 0, 1);
                } catch (IOException e) {
                    // The peer goes without it.
                }
            }
        } else if (!resetOnClose && !handshakeDone && failure instanceof SSLException && netOut == null
                && !engine.isOutboundDone()) {
            // A handshake this side refused (a name it does not serve, no common protocol): the engine holds the
            // fatal alert saying why (RFC 8446 section 6.2), which the peer then reports instead of a bare close.
            try {
                wrap(EMPTY_ARRAY, 0, 1);
            } catch (IOException e) {
                // The peer goes without it.
            }
        }
        closed = true;
        cancelHandshakeTimer();
        release(netIn);
        release(netOut);
        release(appIn);
        netIn = null;
        netOut = null;
        appIn = null;
        socket.close();
    }

    private void release(@Nullable ByteBuffer buffer) {
        if (buffer != null) {
            records.release(buffer);
        }
    }

    private void releaseNetInIfEmpty() {
        ByteBuffer source = netIn;
        if (source != null && !source.hasRemaining()) {
            netIn = null;
            records.release(source);
        }
    }

    private void releaseAppInIfEmpty() {
        ByteBuffer held = appIn;
        if (held != null && !held.hasRemaining()) {
            appIn = null;
            records.release(held);
        }
    }

    @Override
    public @Nullable InetSocketAddress remoteAddress() {
        return socket.remoteAddress();
    }

    @Override
    public void forceClose() {
        TransportHandler target = handler;
        if (target != null) {
            target.forceClose();
        } else {
            close();
        }
    }

    private TransportHandler handler() {
        TransportHandler bound = handler;
        if (bound == null) {
            throw new IllegalStateException("no connection is bound to this transport");
        }
        return bound;
    }
}
