package io.waddleperf.probes.tls;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.waddleperf.net.NativePlatform;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into the system's OpenSSL 3 ({@code libssl.so.3}, {@code libcrypto.so.3}: the libraries curl and
 * {@code openssl s_client} use), for the {@code tls} probe's handshake. Only the calls that probe makes, with their
 * signatures from OpenSSL 3.0's headers ({@code long}/{@code unsigned long} are 64-bit on the LP64 targets
 * {@link NativePlatform} allows). Loaded once, on first use; {@link #available()} says whether that worked, and
 * {@link #problem()} why not (no OpenSSL 3 on this machine, another OS, no native access), so the probe can fall
 * back to the JDK's TLS and say so.
 *
 * <p>Why: a JVM's own handshake (JSSE) stays 0.4–0.8 ms above OpenSSL's on loopback in its quietest moments even
 * fully compiled, 0.5–1.7 ms under the one-shot launcher's C1-only JIT (docs/BENCHMARKS.md §6); through the same
 * library as the reference tools, {@code tls_ms} is the network plus the same crypto they do.
 */
final class OpenSsl {

    static final int SSL_VERIFY_NONE = 0;
    static final int SSL_VERIFY_PEER = 1;
    static final int SSL_ERROR_SSL = 1;
    static final int SSL_ERROR_WANT_READ = 2;
    static final int SSL_ERROR_WANT_WRITE = 3;
    static final int SSL_ERROR_SYSCALL = 5;
    static final int SSL_ERROR_ZERO_RETURN = 6;
    static final int SSL_CTRL_SET_TLSEXT_HOSTNAME = 55;
    static final int TLSEXT_NAMETYPE_HOST_NAME = 0;
    static final int OPENSSL_VERSION_STRING = 6;
    static final int SSL_CTRL_SET_MIN_PROTO_VERSION = 123;
    static final int SSL_CTRL_SET_MAX_PROTO_VERSION = 124;
    static final int BIO_CTRL_PENDING = 10;
    /** SSL_OP_BIT(30): refuse TLS 1.2 renegotiation (OpenSSL 3's ssl.h). */
    static final long SSL_OP_NO_RENEGOTIATION = 1L << 30;
    static final int SSL_KEY_UPDATE_REQUESTED = 1;
    static final int TLS1_VERSION = 0x0301;
    static final int TLS1_1_VERSION = 0x0302;
    static final int TLS1_2_VERSION = 0x0303;
    static final int TLS1_3_VERSION = 0x0304;

    static final long X509_V_OK = 0;
    static final long X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT = 2;
    static final long X509_V_ERR_CERT_NOT_YET_VALID = 9;
    static final long X509_V_ERR_CERT_HAS_EXPIRED = 10;
    static final long X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT = 18;
    static final long X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN = 19;
    static final long X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20;
    static final long X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE = 21;
    static final long X509_V_ERR_CERT_UNTRUSTED = 27;
    static final long X509_V_ERR_HOSTNAME_MISMATCH = 62;
    static final long X509_V_ERR_IP_ADDRESS_MISMATCH = 64;

    private OpenSsl() {
    }

    /** True when libssl.so.3 loaded and every call below linked. */
    static boolean available() {
        return Loaded.PROBLEM == null;
    }

    /** Why OpenSSL is not available; null when it is. */
    static String problem() {
        return Loaded.PROBLEM;
    }

    /** The library's version, e.g. {@code 3.0.22}; null when not available. */
    static String version() {
        return Loaded.VERSION;
    }

    /** Loading and linking, in a holder so that it happens once, on first use, and a failure is remembered. */
    private static final class Loaded {
        private static final String PROBLEM;
        private static final String VERSION;

        static {
            String problem = null;
            String version = null;
            try {
                NativePlatform.require();
                version = string((MemorySegment) Calls.OPENSSL_VERSION.invokeExact(OPENSSL_VERSION_STRING));
            } catch (Throwable t) {
                // No libssl.so.3 (IllegalArgumentException from the lookup), a missing symbol, another OS, or native
                // access refused: all mean the same to the probe, the JDK's TLS instead.
                Throwable cause = t instanceof ExceptionInInitializerError e && e.getCause() != null ? e.getCause() : t;
                problem = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            }
            PROBLEM = problem;
            VERSION = version;
        }
    }

    /** The linked calls; its initialiser fails as a whole when a library or symbol is missing. */
    static final class Calls {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        // Global arena: the libraries stay loaded for the life of the JVM, as they would for a C program.
        private static final SymbolLookup CRYPTO = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        private static final SymbolLookup SSL = SymbolLookup.libraryLookup("libssl.so.3", Arena.global());

        private static final FunctionDescriptor P_P = FunctionDescriptor.of(ADDRESS, ADDRESS);
        private static final FunctionDescriptor I_P = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        private static final FunctionDescriptor V_P = FunctionDescriptor.ofVoid(ADDRESS);

        static final MethodHandle OPENSSL_VERSION = handle(CRYPTO, "OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle TLS_CLIENT_METHOD = handle(SSL, "TLS_client_method", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle TLS_SERVER_METHOD = handle(SSL, "TLS_server_method", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle SSL_CTX_NEW = handle(SSL, "SSL_CTX_new", P_P);
        static final MethodHandle SSL_CTX_FREE = handle(SSL, "SSL_CTX_free", V_P);
        static final MethodHandle SSL_CTX_SET_DEFAULT_VERIFY_PATHS = handle(SSL, "SSL_CTX_set_default_verify_paths", I_P);
        static final MethodHandle SSL_CTX_LOAD_VERIFY_LOCATIONS = handle(SSL, "SSL_CTX_load_verify_locations",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle SSL_CTX_SET_VERIFY = handle(SSL, "SSL_CTX_set_verify",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS));
        static final MethodHandle SSL_NEW = handle(SSL, "SSL_new", P_P);
        static final MethodHandle SSL_FREE = handle(SSL, "SSL_free", V_P);
        static final MethodHandle SSL_SET_FD = handle(SSL, "SSL_set_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SSL_CTRL = handle(SSL, "SSL_ctrl",
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        static final MethodHandle SSL_SET1_HOST = handle(SSL, "SSL_set1_host", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // errno captured: an SSL_ERROR_SYSCALL is explained by the errno the failed read or write left.
        static final MethodHandle SSL_CONNECT = LINKER.downcallHandle(symbol(SSL, "SSL_connect"), I_P,
                Linker.Option.captureCallState("errno"));
        static final MethodHandle SSL_SHUTDOWN = handle(SSL, "SSL_shutdown", I_P);
        static final MethodHandle SSL_SET_OPTIONS = handle(SSL, "SSL_set_options", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));
        static final MethodHandle SSL_KEY_UPDATE = handle(SSL, "SSL_key_update", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SSL_GET_ERROR = handle(SSL, "SSL_get_error", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SSL_GET_VERSION = handle(SSL, "SSL_get_version", P_P);
        static final MethodHandle SSL_GET_CURRENT_CIPHER = handle(SSL, "SSL_get_current_cipher", P_P);
        static final MethodHandle SSL_CIPHER_STANDARD_NAME = handle(SSL, "SSL_CIPHER_standard_name", P_P);
        static final MethodHandle SSL_GET_PEER_CERT_CHAIN = handle(SSL, "SSL_get_peer_cert_chain", P_P);
        static final MethodHandle SSL_GET_VERIFY_RESULT = handle(SSL, "SSL_get_verify_result", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        // For TLS over a socket the JVM owns (OpenSslSocket): OpenSSL reads and writes memory buffers, Java moves them.
        static final MethodHandle BIO_S_MEM = handle(CRYPTO, "BIO_s_mem", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle BIO_NEW = handle(CRYPTO, "BIO_new", P_P);
        static final MethodHandle BIO_FREE = handle(CRYPTO, "BIO_free", I_P);
        static final MethodHandle BIO_READ = handle(CRYPTO, "BIO_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle BIO_WRITE = handle(CRYPTO, "BIO_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle BIO_CTRL = handle(CRYPTO, "BIO_ctrl",
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        static final MethodHandle SSL_SET_BIO = handle(SSL, "SSL_set_bio", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle SSL_SET_CONNECT_STATE = handle(SSL, "SSL_set_connect_state", V_P);
        static final MethodHandle SSL_SET_ACCEPT_STATE = handle(SSL, "SSL_set_accept_state", V_P);
        static final MethodHandle SSL_DO_HANDSHAKE = handle(SSL, "SSL_do_handshake", I_P);
        static final MethodHandle SSL_READ = handle(SSL, "SSL_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle SSL_WRITE = handle(SSL, "SSL_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle SSL_SET_ALPN_PROTOS = handle(SSL, "SSL_set_alpn_protos",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle SSL_GET0_ALPN_SELECTED = handle(SSL, "SSL_get0_alpn_selected",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle SSL_CTX_GET_CIPHERS = handle(SSL, "SSL_CTX_get_ciphers", P_P);
        static final MethodHandle SSL_CIPHER_GET_NAME = handle(SSL, "SSL_CIPHER_get_name", P_P);
        static final MethodHandle SSL_CIPHER_GET_VERSION = handle(SSL, "SSL_CIPHER_get_version", P_P);
        static final MethodHandle SSL_SET_CIPHER_LIST = handle(SSL, "SSL_set_cipher_list", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SSL_SET_CIPHERSUITES = handle(SSL, "SSL_set_ciphersuites", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle D2I_X509 = handle(CRYPTO, "d2i_X509", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle D2I_AUTO_PRIVATE_KEY = handle(CRYPTO, "d2i_AutoPrivateKey",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        static final MethodHandle X509_FREE = handle(CRYPTO, "X509_free", V_P);
        static final MethodHandle EVP_PKEY_FREE = handle(CRYPTO, "EVP_PKEY_free", V_P);
        static final MethodHandle SSL_CTX_USE_CERTIFICATE = handle(SSL, "SSL_CTX_use_certificate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SSL_CTX_USE_PRIVATE_KEY = handle(SSL, "SSL_CTX_use_PrivateKey",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SK_NUM = handle(CRYPTO, "OPENSSL_sk_num", I_P);
        static final MethodHandle SK_VALUE = handle(CRYPTO, "OPENSSL_sk_value", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle I2D_X509 = handle(CRYPTO, "i2d_X509", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle ERR_GET_ERROR = handle(CRYPTO, "ERR_get_error", FunctionDescriptor.of(JAVA_LONG));
        static final MethodHandle ERR_REASON_ERROR_STRING = handle(CRYPTO, "ERR_reason_error_string",
                FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        static final MethodHandle ERR_CLEAR_ERROR = handle(CRYPTO, "ERR_clear_error", FunctionDescriptor.ofVoid());
        static final MethodHandle X509_VERIFY_CERT_ERROR_STRING = handle(CRYPTO, "X509_verify_cert_error_string",
                FunctionDescriptor.of(ADDRESS, JAVA_LONG));

        private Calls() {
        }

        private static MemorySegment symbol(SymbolLookup lookup, String name) {
            return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("OpenSSL has no symbol " + name));
        }

        private static MethodHandle handle(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(symbol(lookup, name), descriptor);
        }

        static MemorySegment capture(Arena arena) {
            return arena.allocate(CAPTURE);
        }

        static int errno(MemorySegment capture) {
            return (int) ERRNO.get(capture, 0L);
        }
    }

    /** A NUL-terminated C string returned by OpenSSL (static storage), or null for a null pointer. */
    static String string(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? null : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** The DER encoding of an {@code X509*} (i2d_X509 into a buffer of the size it asked for). */
    static byte[] der(MemorySegment x509) throws Throwable {
        int length = (int) Calls.I2D_X509.invokeExact(x509, MemorySegment.NULL);
        if (length <= 0) {
            takeError(); // leave no error on this thread's queue: SSL_get_error reads it later
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(length);
            // i2d_X509 advances the pointer it is given past what it wrote: hand it a pointer to a copy.
            MemorySegment cursor = arena.allocateFrom(ADDRESS, buffer);
            int written = (int) Calls.I2D_X509.invokeExact(x509, cursor);
            if (written != length) {
                takeError();
                return null;
            }
            return buffer.toArray(JAVA_BYTE);
        }
    }

    /** The reason text of the oldest error on this thread's OpenSSL error queue, which it empties; null if none. */
    static String takeError() throws Throwable {
        long code = (long) Calls.ERR_GET_ERROR.invokeExact();
        String reason = code == 0 ? null : string((MemorySegment) Calls.ERR_REASON_ERROR_STRING.invokeExact(code));
        Calls.ERR_CLEAR_ERROR.invokeExact();
        return code == 0 ? null : reason == null ? "error " + Long.toHexString(code) : reason;
    }

    /** OpenSSL's text for a verification result code, e.g. {@code certificate has expired}. */
    static String verifyErrorString(long code) throws Throwable {
        return string((MemorySegment) Calls.X509_VERIFY_CERT_ERROR_STRING.invokeExact(code));
    }
}
