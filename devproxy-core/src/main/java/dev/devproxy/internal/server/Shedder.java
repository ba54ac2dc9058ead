package dev.devproxy.internal.server;

import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.Timed;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The shedding policy the {@link Acceptor} applies while the connection cap is reached: which connections of
 * a loop are of no use to anyone and may be closed to make room. On the loop's thread.
 *
 * <p>Idle ones (no byte of a request yet) go first, oldest first; then the stalled ones, oldest stall first:
 * heads that have been coming in since before {@code olderThanNanos}, bodies that have been coming in since
 * before it at less than {@code minBodyRate} on average, and responses whose client has let no byte be written
 * since before {@code writeStalledBeforeNanos}. Idle ones close quietly; stalled requests get a 408 without
 * lingering, since their slot is what is wanted; stalled responses are cut off, as by the write timeout.
 *
 * <p>Slow bodies and slow readers are shed too because their own timeouts (30 s by default) let an attacker
 * who sends a byte now and then (R-U-Dead-Yet), or reads one now and then (slow read), hold every slot for
 * that long, and reconnect faster than the timeouts free them. A body paused by backpressure is not the
 * client's doing and is never shed. A response write gets longer than a request before it counts as stalled:
 * the kernel lets a writer go on only once a third of its send buffer (up to megabytes) has drained, so an
 * honest client reading a large response at a modest rate makes progress in lumps.
 */
final class Shedder {
    private Shedder() {
    }

    /**
     * Closes up to {@code quota} connections of {@code loop} that {@code owner} accepted, as the class
     * documentation says: only the listener at its cap gains from a closed slot, so another listener's
     * connections (HTTPS beside HTTP, the admin API's) are left alone.
     */
    static void shed(EventLoop loop, int quota, long olderThanNanos, long writeStalledBeforeNanos,
            ClientConnection.ClientSlots owner) {
        List<ClientConnection> idle = new ArrayList<>();
        List<ClientConnection> stalled = new ArrayList<>();
        long now = loop.now();
        for (Timed item : loop.timedSnapshot()) {
            if (!(item instanceof ClientConnection connection) || connection.slots() != owner) {
                continue;
            }
            if (connection.hasPendingOutput()) {
                if (connection.lastWriteProgressNanos() - writeStalledBeforeNanos < 0) {
                    stalled.add(connection);
                }
            } else if (connection.waitingSince() - olderThanNanos < 0) {
                ClientPhase phase = connection.phase();
                if (phase.isBetweenRequests()) {
                    idle.add(connection);
                } else if (phase.readsHead() || connection.isSlowBody(now)) {
                    stalled.add(connection);
                }
            }
        }
        idle.sort(Comparator.comparingLong(ClientConnection::waitingSince));
        stalled.sort(Comparator.comparingLong(ClientConnection::stalledSince));
        int shed = 0;
        for (ClientConnection connection : idle) {
            if (shed++ >= quota) {
                return;
            }
            connection.close();
        }
        for (ClientConnection connection : stalled) {
            if (shed++ >= quota) {
                return;
            }
            if (connection.hasPendingOutput()) {
                connection.shedStalledWrite();
            } else {
                connection.shedStalledRequest();
            }
        }
    }
}
