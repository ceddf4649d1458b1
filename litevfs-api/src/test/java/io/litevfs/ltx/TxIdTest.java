package io.litevfs.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TxIdTest {

    @Test
    void toString_anyValue_isSixteenLowercaseHexDigits() {
        assertThat(TxId.ZERO).hasToString("0000000000000000");
        assertThat(TxId.of(0x2a)).hasToString("000000000000002a");
        assertThat(TxId.MAX).hasToString("ffffffffffffffff");
        assertThat(TxId.of(0xABCDEF)).hasToString("0000000000abcdef");
    }

    @Test
    void of_zero_isZero() {
        assertThat(TxId.of(0)).isSameAs(TxId.ZERO);
        assertThat(TxId.ZERO.isZero()).isTrue();
        assertThat(TxId.of(1).isZero()).isFalse();
    }

    @Test
    void parse_acceptedForms_giveTheValue() {
        assertThat(TxId.parse("0000000000000010").value()).isEqualTo(16);
        assertThat(TxId.parse("1234567890123456").value()).isEqualTo(0x1234567890123456L);
        assertThat(TxId.parse("42").value()).isEqualTo(42);
        assertThat(TxId.parse(" 42 ").value()).isEqualTo(42);
        assertThat(TxId.parse("0x2a").value()).isEqualTo(42);
        assertThat(TxId.parse("0X2A").value()).isEqualTo(42);
        assertThat(TxId.parse("2a").value()).isEqualTo(42);
        assertThat(TxId.parse("FFFFFFFFFFFFFFFF")).isEqualTo(TxId.MAX);
        assertThat(TxId.parse("18446744073709551615")).isEqualTo(TxId.MAX);
        assertThat(TxId.parse("0")).isEqualTo(TxId.ZERO);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "",
                " ",
                "0x",
                "xyz",
                "-1",
                "+1",
                "0x+1",
                "1g",
                "0x12345678901234567",
                "18446744073709551616",
                "\uff11\uff12",
                "0x\uff11",
                "\u0663",
                "000000000000000\u0663"
            })
    void parse_invalid_throwsNamingTheText(String text) {
        assertThatThrownBy(() -> TxId.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a TXID");
    }

    @Test
    void parseCanonical_requiresExactlySixteenHexDigits() {
        assertThat(TxId.parseCanonical("00000000000000ff").value()).isEqualTo(255);
        assertThat(TxId.parseCanonical("00000000000000FF").value()).isEqualTo(255);
        assertThatThrownBy(() -> TxId.parseCanonical("ff")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxId.parseCanonical("00000000000000fff")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxId.parseCanonical("0x000000000000ff")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TxId.parseCanonical("000000000000000\u0663"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parse_toStringOfRandomValues_roundTrips() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            TxId id = TxId.of(random.nextLong());
            assertThat(TxId.parse(id.toString())).isEqualTo(id);
            assertThat(TxId.parseCanonical(id.toString())).isEqualTo(id);
        }
    }

    @Test
    void compareTo_highBitSet_comparesUnsigned() {
        TxId high = TxId.of(0x8000_0000_0000_0000L);
        TxId low = TxId.of(0x7fff_ffff_ffff_ffffL);

        assertThat(high).isGreaterThan(low);
        assertThat(TxId.MAX).isGreaterThan(high);
        assertThat(high.isAfter(low)).isTrue();
        assertThat(low.isBefore(high)).isTrue();
        assertThat(low.isAfter(low)).isFalse();
        assertThat(low.isBefore(low)).isFalse();
        assertThat(TxId.ZERO).isLessThan(TxId.of(1));
    }

    @Test
    void nextAndPrevious_stepByOne_withinBounds() {
        assertThat(TxId.ZERO.next()).isEqualTo(TxId.of(1));
        assertThat(TxId.of(0x7fff_ffff_ffff_ffffL).next()).isEqualTo(TxId.of(0x8000_0000_0000_0000L));
        assertThat(TxId.of(5).previous()).isEqualTo(TxId.of(4));
        assertThat(TxId.of(1).previous()).isSameAs(TxId.ZERO);
        assertThat(TxId.ZERO.previous()).isSameAs(TxId.ZERO);
        assertThat(TxId.MAX.previous().next()).isEqualTo(TxId.MAX);
        assertThatThrownBy(TxId.MAX::next).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void equals_sameValue_equalWithSameHash() {
        assertThat(TxId.of(7)).isEqualTo(TxId.parse("7")).hasSameHashCodeAs(TxId.parse("0x7"));
        assertThat(TxId.of(7)).isNotEqualTo(TxId.of(8)).isNotEqualTo("0000000000000007");
    }
}
