/**
 * Exchanges: what handles one request once its head is parsed, and the contract with the connection it runs on.
 *
 * <h2>What it owns</h2>
 * {@link dev.devproxy.internal.exchange.Exchange} (what a connection calls: body bytes, end, drained, abort) and
 * {@link dev.devproxy.internal.exchange.ExchangeConnection} (everything an exchange may ask of its connection);
 * the exchanges answered in process: {@link dev.devproxy.internal.exchange.EchoExchange} (the request described
 * as JSON), {@link dev.devproxy.internal.exchange.LocalResponseExchange} (a router's response, the metrics, faults)
 * and {@link dev.devproxy.internal.exchange.BufferedRouteExchange} (routing after the body); and what they share:
 * {@link dev.devproxy.internal.exchange.ServerContext} per server, {@link dev.devproxy.internal.exchange.HttpLoopState}
 * per loop (date, scratch buffer, echo writer), {@link dev.devproxy.internal.exchange.ResponseHeads} (heads
 * written into a buffer from tables) and the journal hook {@link dev.devproxy.internal.exchange.RequestRecorder}.
 * It depends on the loop layer only; forwarding ({@code internal.proxy}) and the server build on it.
 *
 * <h2>Threading and buffers</h2>
 * Called on the connection's loop thread only. Body bytes arrive as a range of a buffer the connection owns:
 * an exchange that cannot pass them on at once returns false and keeps them in place, and the connection reads
 * nothing more until it resumes, so no queue grows with the amount of data. Responses built in memory (echo,
 * errors, metrics) are written at once from the loop's scratch buffer, and only an unwritten remainder is copied.
 * A request head stays valid until the parser reports the next one, which cannot happen before the exchange ends.
 */
@NullMarked
package dev.devproxy.internal.exchange;

import org.jspecify.annotations.NullMarked;
