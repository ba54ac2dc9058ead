package dev.devproxy;

/**
 * A failure a {@link Response} can simulate instead of (or while) answering normally, to test how a client
 * copes. Each one says what it simulates; some make a client's behaviour depend on timing, as noted.
 */
public sealed interface Fault permits Fault.CloseWithoutResponse, Fault.ResetConnection, Fault.MalformedResponse,
        Fault.DribbleBody {

    /**
     * Simulates a server that accepts a request and then closes the connection without a byte of response.
     *
     * @return the fault
     */
    static Fault closeWithoutResponse() {
        return CloseWithoutResponse.INSTANCE;
    }

    /**
     * Simulates a crashed server or a middlebox cutting the connection: the connection is reset (TCP RST).
     * Whether the client sees a reset or an end of stream can depend on what it was doing at that moment.
     *
     * @return the fault
     */
    static Fault resetConnection() {
        return ResetConnection.INSTANCE;
    }

    /**
     * Simulates a broken server: bytes that are not an HTTP response, then the connection closes.
     *
     * @return the fault
     */
    static Fault malformedResponse() {
        return MalformedResponse.INSTANCE;
    }

    /**
     * Simulates a slow network or server: the response is sent in full, but at most {@code bytesPerSecond}
     * bytes a second (in pieces every 100 ms). Client timeouts then fire or not depending on their settings.
     *
     * @param bytesPerSecond the most bytes sent per second, at least 1
     * @return the fault
     * @throws IllegalArgumentException when {@code bytesPerSecond} is less than 1
     */
    static Fault dribbleBody(int bytesPerSecond) {
        return new DribbleBody(bytesPerSecond);
    }

    /** See {@link Fault#closeWithoutResponse()}. */
    enum CloseWithoutResponse implements Fault {
        /** The only instance. */
        INSTANCE;

        /** {@code Fault.closeWithoutResponse()}, as it is written in a stub. */
        @Override
        public String toString() {
            return "Fault.closeWithoutResponse()";
        }
    }

    /** See {@link Fault#resetConnection()}. */
    enum ResetConnection implements Fault {
        /** The only instance. */
        INSTANCE;

        /** {@code Fault.resetConnection()}, as it is written in a stub. */
        @Override
        public String toString() {
            return "Fault.resetConnection()";
        }
    }

    /** See {@link Fault#malformedResponse()}. */
    enum MalformedResponse implements Fault {
        /** The only instance. */
        INSTANCE;

        /** {@code Fault.malformedResponse()}, as it is written in a stub. */
        @Override
        public String toString() {
            return "Fault.malformedResponse()";
        }
    }

    /**
     * See {@link Fault#dribbleBody(int)}.
     *
     * @param bytesPerSecond the most bytes sent per second, at least 1
     */
    record DribbleBody(int bytesPerSecond) implements Fault {
        /**
         * Checks the rate.
         *
         * @param bytesPerSecond the most bytes sent per second, at least 1
         * @throws IllegalArgumentException when {@code bytesPerSecond} is less than 1
         */
        public DribbleBody {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("bytesPerSecond must be at least 1, was " + bytesPerSecond);
            }
        }

        /** Such as {@code Fault.dribbleBody(100)}, as it is written in a stub. */
        @Override
        public String toString() {
            return "Fault.dribbleBody(" + bytesPerSecond + ")";
        }
    }
}
