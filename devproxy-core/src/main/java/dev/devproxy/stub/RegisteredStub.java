package dev.devproxy.stub;

/**
 * A {@link Stub} registered with a {@link Stubs} registry, with its use count. Returned by {@link Stubs#add}
 * and {@code DevProxy.stubFor}; thread-safe.
 */
public interface RegisteredStub {

    /**
     * This registration's id, unique within its registry and never reused by it, such as {@code 7}; the admin
     * API names stubs by it ({@code /__admin/stubs/7}).
     *
     * @return the id
     */
    String id();

    /**
     * The stub definition.
     *
     * @return the stub this registration holds
     */
    Stub stub();

    /**
     * How many requests this registration has answered since it was added or last {@link #resetUses() reset}.
     *
     * @return the number of requests answered, 0 or more
     */
    int uses();

    /**
     * Whether it has answered {@link Stub#maxUses()} requests, so that it no longer matches.
     *
     * @return true when the stub no longer matches because its uses are spent
     */
    boolean isUsedUp();

    /**
     * Where it was registered, such as {@code UsersTest.java:42}, for failure messages; empty when unknown.
     *
     * @return the source location, or an empty string
     */
    String registeredAt();

    /** Sets the use count back to 0: a limited stub answers again and its sequence starts over. */
    void resetUses();

    /**
     * Removes it from its registry; requests being matched at that moment may still be answered by it.
     *
     * @return whether it was still registered
     */
    boolean remove();
}
