// QuartzGolden prints the golden table that internal/quartz's tests check against: for every
// expression of expressions.txt, Quartz 2.3.2's rejection, or for every zone and start time the
// next fire times that CronExpression.getNextValidTimeAfter gives when chained.
//
// Output, one record per line:
//   M<TAB>year                          Quartz's MAX_YEAR in this run (the current year + 100)
//   E<TAB>expression
//   X<TAB>message                       Quartz rejected the expression above
//   R<TAB>zone<TAB>startMillis<TAB>fires fires: first fire time in epoch millis, then each next
//                                       one as "+seconds" after the previous; at most 20; ends early
//                                       when Quartz returns null, with "!Exception" when it throws, or
//                                       with "!Hang" when it has not answered after HANG_MILLIS
import java.nio.file.Files;
import java.nio.file.Paths;
import java.text.ParseException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

public class QuartzGolden {
    static final String[] ZONES = {
        "UTC", "GMT+08:00", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata",
    };
    static final String[] LOCAL_STARTS = {
        "2024-02-28T12:00:00", "2100-02-27T12:00:00", "2024-12-31T23:59:30", "2026-01-15T08:07:06",
    };
    static final int MAX_FIRES = 20;
    static final long HANG_MILLIS = 10_000;

    public static void main(String[] args) throws Exception {
        List<String> exprs = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[0]))) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                exprs.add(line);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("M\t").append(CronExpression.MAX_YEAR).append('\n');
        for (String expr : exprs) {
            out.append("E\t").append(expr).append('\n');
            System.err.println(expr); // progress: the run takes minutes
            try {
                new CronExpression(expr);
            } catch (ParseException e) {
                out.append("X\t").append(e.getMessage()).append('\n');
                continue;
            }
            for (String zone : ZONES) {
                for (long start : starts(zone)) {
                    out.append("R\t").append(zone).append('\t').append(start).append('\t')
                        .append(firesWatched(expr, zone, start)).append('\n');
                }
            }
        }
        System.out.print(out);
    }

    // starts gives the start instants for a zone: fixed local times (leap days, a year boundary)
    // and instants just before the zone's daylight-saving changes of 2025 and 2040 (New York's for
    // zones without any).
    static List<Long> starts(String zone) {
        ZoneId id = ZoneId.of(zone);
        List<Long> out = new ArrayList<>();
        for (String local : LOCAL_STARTS) {
            out.add(LocalDateTime.parse(local).atZone(id).toInstant().toEpochMilli());
        }
        ZoneId dst = id.getRules().isFixedOffset() || id.getRules().nextTransition(Instant.parse("2025-01-01T00:00:00Z")) == null
            ? ZoneId.of("America/New_York") : id;
        Instant from = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < 2; i++) {
            ZoneOffsetTransition tr = dst.getRules().nextTransition(from);
            long t = tr.getInstant().toEpochMilli();
            out.add(t - 3 * 3600_000L);
            out.add(t - 1000L);
            from = tr.getInstant();
        }
        ZoneOffsetTransition far = dst.getRules().nextTransition(Instant.parse("2040-01-01T00:00:00Z"));
        out.add(far.getInstant().toEpochMilli() - 2 * 3600_000L);
        return out;
    }

    // firesWatched runs fires on a thread of its own and stops it when Quartz loops forever (it does,
    // for some expressions): the list then ends with "!Hang".
    @SuppressWarnings("removal")
    static String firesWatched(String expr, String zone, long start) throws Exception {
        StringBuffer sb = new StringBuffer();
        Thread t = new Thread(() -> fires(expr, zone, start, sb));
        t.start();
        t.join(HANG_MILLIS);
        if (t.isAlive()) {
            t.stop();
            t.join();
            synchronized (sb) {
                sb.append(sb.length() == 0 ? "" : " ").append("!Hang");
            }
        }
        synchronized (sb) {
            return sb.toString();
        }
    }

    static void fires(String expr, String zone, long start, StringBuffer sb) {
        CronExpression ce;
        try {
            ce = new CronExpression(expr);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        ce.setTimeZone(TimeZone.getTimeZone(zone));
        Date prev = new Date(start);
        for (int i = 0; i < MAX_FIRES; i++) {
            Date next;
            try {
                next = ce.getNextValidTimeAfter(prev);
            } catch (RuntimeException e) {
                sb.append(i == 0 ? "" : " ").append('!').append(e.getClass().getSimpleName());
                break;
            }
            if (next == null) {
                break;
            }
            long d = next.getTime() - prev.getTime();
            if (d % 1000 != 0) {
                throw new IllegalStateException("fire time with milliseconds: " + next.getTime());
            }
            synchronized (sb) {
                if (i == 0) {
                    sb.append(next.getTime());
                } else {
                    sb.append(' ').append(d >= 0 ? "+" : "-").append(Math.abs(d) / 1000);
                }
            }
            prev = next;
        }
    }
}
