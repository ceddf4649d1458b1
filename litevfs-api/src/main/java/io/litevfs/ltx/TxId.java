package io.litevfs.ltx;

import java.util.Locale;

/**
 * A Litestream transaction id: an unsigned 64-bit number, always printed as exactly 16 lowercase hex digits.
 *
 * <p>TXID 0 means "no transaction yet" (an empty replica); real transactions start at 1. Instances are
 * immutable and compare as unsigned numbers.
 */
public final class TxId implements Comparable<TxId> {

    /** The position before the first transaction. */
    public static final TxId ZERO = new TxId(0);

    /** The largest representable TXID. */
    public static final TxId MAX = new TxId(-1L);

    private final long value;

    private TxId(long value) {
        this.value = value;
    }

    /**
     * Returns the TXID with the given unsigned value.
     *
     * @param value the TXID as an unsigned 64-bit number
     * @return the TXID
     */
    public static TxId of(long value) {
        return value == 0 ? ZERO : new TxId(value);
    }

    /**
     * Parses a TXID written in hex (1 to 16 hex digits, an optional {@code 0x} prefix) or, when it holds only
     * decimal digits and is shorter than 16 characters, in decimal.
     *
     * <p>The canonical form, 16 hex digits, is always read as hex, so {@code 0000000000000010} is 16. Short
     * all-digit strings such as {@code 42} are read as decimal because that is how people type them; use the
     * {@code 0x} prefix to force hex.
     *
     * @param text the text to parse
     * @return the TXID
     * @throws IllegalArgumentException if the text is not a TXID
     */
    public static TxId parse(String text) {
        String s = text.trim();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return parseHex(s.substring(2), text);
            }
            if (s.length() == 16) {
                return parseHex(s, text);
            }
            if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return of(Long.parseUnsignedLong(s));
            }
            return parseHex(s, text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "not a TXID: '" + text + "' (expected 16 hex digits or a decimal number)");
        }
    }

    /**
     * Parses exactly 16 hex digits (upper or lower case), as they appear in LTX file names.
     *
     * @param text 16 hex digits
     * @return the TXID
     * @throws IllegalArgumentException if the text is not 16 hex digits
     */
    public static TxId parseCanonical(String text) {
        if (text.length() != 16) {
            throw new IllegalArgumentException("not a TXID: '" + text + "' (expected exactly 16 hex digits)");
        }
        try {
            return parseHex(text, text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a TXID: '" + text + "' (expected exactly 16 hex digits)");
        }
    }

    private static TxId parseHex(String hex, String original) {
        if (hex.isEmpty() || hex.length() > 16) {
            throw new NumberFormatException(original);
        }
        for (int i = 0; i < hex.length(); i++) {
            // ASCII only: Character.digit also accepts other scripts' digits and full-width letters.
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                throw new NumberFormatException(original);
            }
        }
        return of(Long.parseUnsignedLong(hex, 16));
    }

    /** Returns the TXID as an unsigned 64-bit number stored in a {@code long}. */
    public long value() {
        return value;
    }

    /** Returns {@code true} for {@link #ZERO}. */
    public boolean isZero() {
        return value == 0;
    }

    /**
     * Returns the next TXID.
     *
     * @throws ArithmeticException if this is {@link #MAX}
     */
    public TxId next() {
        if (value == -1L) {
            throw new ArithmeticException("TXID overflow");
        }
        return of(value + 1);
    }

    /**
     * Returns the previous TXID, or {@link #ZERO} for ZERO.
     */
    public TxId previous() {
        return value == 0 ? ZERO : of(value - 1);
    }

    /** Returns whether this TXID is strictly greater than {@code other} (unsigned). */
    public boolean isAfter(TxId other) {
        return compareTo(other) > 0;
    }

    /** Returns whether this TXID is strictly smaller than {@code other} (unsigned). */
    public boolean isBefore(TxId other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(TxId other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxId && ((TxId) o).value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    /** Returns the canonical form: exactly 16 lowercase hex digits. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%016x", value);
    }
}
