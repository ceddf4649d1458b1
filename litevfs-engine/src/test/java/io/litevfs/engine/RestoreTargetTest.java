package io.litevfs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litevfs.ltx.TxId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RestoreTargetTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void parseTime_isoInstants() {
        assertThat(RestoreTarget.parseTime("2026-11-20T10:00:00Z", clock))
                .isEqualTo(RestoreTarget.time(Instant.parse("2026-11-20T10:00:00Z")));
        assertThat(RestoreTarget.parseTime("2026-11-20T11:00:00.250+01:00", clock))
                .isEqualTo(RestoreTarget.time(Instant.parse("2026-11-20T10:00:00.250Z")));
    }

    @Test
    void parseTime_relative() {
        assertThat(RestoreTarget.parseTime("5 minutes ago", clock))
                .isEqualTo(RestoreTarget.time(Instant.parse("2026-11-21T11:55:00Z")));
        assertThat(RestoreTarget.parseTime("1 hour ago", clock))
                .isEqualTo(RestoreTarget.time(Instant.parse("2026-11-21T11:00:00Z")));
        assertThat(RestoreTarget.parseTime("90 seconds ago", clock))
                .isEqualTo(RestoreTarget.time(Instant.parse("2026-11-21T11:58:30Z")));
        assertThat(RestoreTarget.parseTime("2 days ago", clock))
                .isEqualTo(RestoreTarget.time(Instant.parse("2026-11-19T12:00:00Z")));
        assertThat(RestoreTarget.parseTime("1 week ago", clock))
                .isEqualTo(RestoreTarget.time(Instant.parse("2026-11-14T12:00:00Z")));
    }

    @Test
    void parseTime_latest() {
        assertThat(RestoreTarget.parseTime("LATEST", clock)).isEqualTo(RestoreTarget.latest());
        assertThat(RestoreTarget.parseTime("latest", clock)).isEqualTo(RestoreTarget.latest());
    }

    @Test
    void parseTime_garbage_explainsAcceptedForms() {
        assertThatThrownBy(() -> RestoreTarget.parseTime("yesterday-ish", clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'yesterday-ish'")
                .hasMessageContaining("5 minutes ago");
        assertThatThrownBy(() -> RestoreTarget.parseTime("2026-11-20T10:00:00", clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void txId_zero_isRejected() {
        assertThatThrownBy(() -> RestoreTarget.txId(TxId.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
