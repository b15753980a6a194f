package io.github.llamapanama.chat.jinja;

import java.time.Duration;
import java.util.Objects;

/**
 * How much one render of a chat template may do. A chat template comes with the model file, from
 * whoever published it: it is code, and three nested loops of a thousand are a billion iterations.
 * A render that runs past either bound stops with a {@link TemplateException} whose reason is
 * {@link TemplateException.Reason#OVER_BUDGET}.
 *
 * <p>The defaults (1 s and a million loop iterations, or the system properties
 * {@value #TIME_PROPERTY} in milliseconds and {@value #ITERATIONS_PROPERTY}) are far above what
 * real chat templates need: they render a conversation in a few milliseconds, with loops of a
 * few hundred iterations (messages, tools, their parameters).
 *
 * @param time           wall-clock time one render may take, parsing excluded (checked at every
 *                       node the template renders and every loop it starts)
 * @param loopIterations iterations all the render's loops may make together, nested ones
 *                       multiplied out; a loop is charged its full length when it starts
 */
public record RenderBudget(Duration time, long loopIterations) {
    /** System property: the default {@link #time()} in milliseconds. */
    public static final String TIME_PROPERTY = "llama.panama.template.timeout.ms";
    /** System property: the default {@link #loopIterations()}. */
    public static final String ITERATIONS_PROPERTY = "llama.panama.template.iterations";

    private static final RenderBudget DEFAULTS = new RenderBudget(
            Duration.ofMillis(Long.getLong(TIME_PROPERTY, 1000)), Long.getLong(ITERATIONS_PROPERTY, 1_000_000));

    public RenderBudget {
        Objects.requireNonNull(time, "time");
        if (time.isNegative() || time.isZero()) {
            throw new IllegalArgumentException("a render budget needs a positive time, was " + time);
        }
        if (loopIterations <= 0) {
            throw new IllegalArgumentException("a render budget needs a positive number of loop iterations, was "
                    + loopIterations);
        }
    }

    /** 1 s and a million loop iterations, unless the system properties say otherwise. */
    public static RenderBudget defaults() {
        return DEFAULTS;
    }

    public RenderBudget withTime(Duration time) {
        return new RenderBudget(time, loopIterations);
    }

    public RenderBudget withLoopIterations(long loopIterations) {
        return new RenderBudget(time, loopIterations);
    }
}
