package io.litevfs.engine;

import static io.litevfs.engine.RestoreTarget.latest;
import static io.litevfs.engine.RestoreTarget.time;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the points in time accepted by {@link RestoreTarget#parseTime}. */
final class PointInTimeParser {
    private static final Pattern RELATIVE =
            Pattern.compile("(\\d{1,9})\\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\\s+ago");

    private PointInTimeParser() {}

    static RestoreTarget parse(String text, Clock clock) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("latest")) {
            return latest();
        }
        if (s.equals("now")) {
            return time(clock.instant());
        }
        Matcher m = RELATIVE.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration unit =
                    switch (m.group(2).charAt(0)) {
                        case 's' -> Duration.ofSeconds(1);
                        case 'm' -> Duration.ofMinutes(1);
                        case 'h' -> Duration.ofHours(1);
                        case 'd' -> Duration.ofDays(1);
                        default -> Duration.ofDays(7);
                    };
            return time(clock.instant().minus(unit.multipliedBy(n)));
        }
        try {
            return time(OffsetDateTime.parse(text.trim()).toInstant());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not a point in time: '" + text
                    + "' (expected an ISO-8601 instant such as 2026-11-20T10:00:00Z, a relative time such as"
                    + " '5 minutes ago', or LATEST)");
        }
    }
}
