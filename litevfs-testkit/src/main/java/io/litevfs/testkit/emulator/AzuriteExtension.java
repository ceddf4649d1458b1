package io.litevfs.testkit.emulator;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts {@link AzuriteServer#shared() this JVM's Azurite} before a test class and stops it after the last test of
 * the run (it is kept in the root extension store, whose values JUnit closes when the run ends, also after
 * failures; the server's shutdown hook and its stdin guard cover a JVM that ends otherwise). Test methods and
 * lifecycle methods can take an {@link AzuriteServer} parameter.
 *
 * <pre>{@code
 * @ExtendWith(AzuriteExtension.class)
 * class MyAzureTest {
 *     @Test
 *     void test(AzuriteServer azurite) {
 *         String url = "abs://my-container/prefix?endpoint=" + azurite.blobEndpoint();
 *     }
 * }
 * }</pre>
 *
 * <p>If Azurite is not installed, every test of the class fails with the command that installs it.
 */
public final class AzuriteExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(AzuriteExtension.class);

    /** Creates the extension; JUnit calls it. */
    public AzuriteExtension() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    /**
     * Returns the running server, starting it if needed.
     *
     * @param context any extension context of the run
     * @return the server
     */
    public static AzuriteServer server(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Stopper.class, k -> new Stopper(AzuriteServer.shared()), Stopper.class)
                .server();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == AzuriteServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    /** Closed by JUnit when the root store closes, at the end of the run. */
    private record Stopper(AzuriteServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }
}
