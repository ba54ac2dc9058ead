package dev.devproxy.examples.junitcompat;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.DevProxy;
import dev.devproxy.junit.DevProxyTest;
import dev.devproxy.stub.RegisteredStub;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;

/**
 * Stubs a {@code @Nested} class registers in its {@code @BeforeAll} are gone when the next nested class runs,
 * on every supported Jupiter version: they are removed when JUnit closes the nested class's store, which
 * before 5.13 happens only for {@code CloseableResource} values.
 */
@DevProxyTest
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class NestedStubsStayInTheirClassTest {
    static RegisteredStub outer;

    @BeforeAll
    static void stubForTheClass(DevProxy proxy) {
        outer = proxy.stubFor(get("/outer").willReturn(text(200, "outer")));
    }

    @Nested
    @Order(1)
    class First {
        @BeforeAll
        static void stubForThisNestedClass(DevProxy proxy) {
            proxy.stubFor(get("/first").willReturn(text(200, "first")));
        }

        @Test
        void seesItsOwnAndTheOuterStubs(DevProxy proxy) {
            assertEquals(2, proxy.stubs().list().size());
        }
    }

    @Nested
    @Order(2)
    class Second {
        @Test
        void seesOnlyTheOuterStub(DevProxy proxy) {
            assertEquals(List.of(outer), proxy.stubs().list(), "on Jupiter " + Fixtures.jupiterVersion());
        }
    }
}
