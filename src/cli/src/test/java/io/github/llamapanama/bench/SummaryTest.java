package io.github.llamapanama.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTest {

    @Test
    void oddCountHasTheMiddleValueAsMedianAndTheMedianDeviationAsMad() {
        Summary s = Summary.of(5, 1, 4, 2, 100);
        assertEquals(4, s.median());
        // deviations from 4: 1, 3, 0, 2, 96 -> sorted 0 1 2 3 96 -> 2
        assertEquals(2, s.mad());
        assertEquals(1, s.min());
        assertEquals(100, s.max());
        assertEquals(5, s.count());
        assertEquals(0.5, s.relativeMad());
    }

    @Test
    void evenCountAveragesTheTwoMiddleValues() {
        Summary s = Summary.of(3, 1, 2, 10);
        assertEquals(2.5, s.median());
        // deviations: 0.5, 1.5, 0.5, 7.5 -> sorted 0.5 0.5 1.5 7.5 -> 1.0
        assertEquals(1.0, s.mad());
    }

    @Test
    void oneValueHasNoSpread() {
        Summary s = Summary.of(42);
        assertEquals(42, s.median());
        assertEquals(0, s.mad());
        assertEquals(42, s.min());
        assertEquals(42, s.max());
    }

    @Test
    void samplesStayInMeasuringOrderAndCannotBeChangedFromOutside() {
        double[] values = {3, 1, 2};
        Summary s = Summary.of(values);
        values[0] = 99;
        assertArrayEquals(new double[] {3, 1, 2}, s.samples());
        s.samples()[0] = 99;
        assertArrayEquals(new double[] {3, 1, 2}, s.samples());
        assertEquals(Summary.of(3, 1, 2), s);
    }

    @Test
    void rejectsNoValuesAndNaN() {
        assertThrows(IllegalArgumentException.class, Summary::of);
        assertThrows(IllegalArgumentException.class, () -> Summary.of(1, Double.NaN));
    }

    @Test
    void comparisonTakesTheRatioOfMediansAndOfEachAlternatingPair() {
        Comparison c = Comparison.of("pp512", "t/s", Summary.of(99, 100, 101), Summary.of(100, 100, 100),
                Targets.NATIVE_RATIO);
        assertEquals(1.0, c.ratio());
        assertArrayEquals(new double[] {0.99, 1.0, 1.01}, c.pairedRatio().samples(), 1e-12);
        assertTrue(c.met());

        Comparison slow = Comparison.of("tg128", "t/s", Summary.of(90), Summary.of(100), Targets.NATIVE_RATIO);
        assertEquals(0.9, slow.ratio(), 1e-12);
        assertFalse(slow.met());

        Comparison javaOnly = Comparison.of("tg128", "t/s", Summary.of(90), null, Targets.NATIVE_RATIO);
        assertNull(javaOnly.ratio());
        assertNull(javaOnly.pairedRatio());
        assertNull(javaOnly.met());
    }

    @Test
    void targetsJudgeBothDirectionsAndNothingWithoutAValue() {
        assertTrue(Target.atLeast(4, "x").met(4.0));
        assertFalse(Target.atLeast(4, "x").met(3.99));
        assertTrue(Target.atMost(1, " B/token").met(0.5));
        assertFalse(Target.atMost(1, " B/token").met(16.0));
        assertNull(Target.atLeast(1, "x").met(null));
        assertEquals(">= 0.99x", Targets.NATIVE_RATIO.description());
        assertEquals("<= 1 B/token", Targets.HEAP_PER_TOKEN.description());
    }
}
