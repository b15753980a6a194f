package io.github.llamapanama.chat.jinja;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The functions Hugging Face gives chat templates beside Jinja's own, bound into Jinjava:
 * {@code raise_exception(message)} (templates refuse input with it) and
 * {@code strftime_now(format)} (Llama 3.x templates print today's date).
 */
public final class TemplateFunctions {
    private TemplateFunctions() {
    }

    /** Thrown by {@code raise_exception}; the renderer reports it as the template's refusal. */
    static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message, null, false, false);
        }
    }

    public static String raiseException(Object message) {
        throw new Raised(String.valueOf(message));
    }

    public static String strftimeNow(String format) {
        return strftime(ZonedDateTime.now(), format);
    }

    /** Python's strftime for the directives templates use (C locale). */
    static String strftime(ZonedDateTime t, String format) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            out.append(switch (d) {
                case 'Y' -> String.valueOf(t.getYear());
                case 'y' -> String.format("%02d", t.getYear() % 100);
                case 'm' -> String.format("%02d", t.getMonthValue());
                case 'd' -> String.format("%02d", t.getDayOfMonth());
                case 'e' -> String.format("%2d", t.getDayOfMonth());
                case 'H' -> String.format("%02d", t.getHour());
                case 'I' -> String.format("%02d", (t.getHour() + 11) % 12 + 1);
                case 'M' -> String.format("%02d", t.getMinute());
                case 'S' -> String.format("%02d", t.getSecond());
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'j' -> String.format("%03d", t.getDayOfYear());
                case 'b' -> DateTimeFormatter.ofPattern("MMM", Locale.ROOT).format(t);
                case 'B' -> DateTimeFormatter.ofPattern("MMMM", Locale.ROOT).format(t);
                case 'a' -> DateTimeFormatter.ofPattern("EEE", Locale.ROOT).format(t);
                case 'A' -> DateTimeFormatter.ofPattern("EEEE", Locale.ROOT).format(t);
                case '%' -> "%";
                default -> "%" + d;
            });
        }
        return out.toString();
    }
}
