package io.github.llamapanama.vision.tiling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The candidate grids of {@code dynamic_preprocess}, in its order: {@code sorted(set(...),
 * key=lambda x: x[0] * x[1])}, a stable sort by tile count over CPython's set iteration order.
 */
final class TargetRatios {
    private TargetRatios() {
    }

    static List<TileGrid> of(int minTiles, int maxTiles) {
        CPythonPairSet set = new CPythonPairSet();
        // The Python generator yields (i, j) first at n = max(minTiles, i, j) and then again for
        // every larger n; re-adding a member leaves a CPython set untouched, so replaying only
        // first occurrences, in generator order, gives the same table in O(pairs) steps.
        for (int n = minTiles; n <= maxTiles; n++) {
            if (n == minTiles) {
                for (int i = 1; i <= n; i++) {
                    for (int j = 1; j <= n && (long) i * j <= maxTiles; j++) {
                        addIfInRange(set, i, j, minTiles);
                    }
                }
                continue;
            }
            for (int i = 1; i < n && (long) i * n <= maxTiles; i++) {
                addIfInRange(set, i, n, minTiles);
            }
            for (int j = 1; j <= n && (long) n * j <= maxTiles; j++) {
                addIfInRange(set, n, j, minTiles);
            }
        }
        List<TileGrid> grids = new ArrayList<>();
        for (int[] pair : set.inOrder()) {
            grids.add(new TileGrid(pair[0], pair[1]));
        }
        grids.sort(Comparator.comparingInt(TileGrid::tiles)); // List.sort is stable, like sorted()
        return grids;
    }

    private static void addIfInRange(CPythonPairSet set, int i, int j, int minTiles) {
        if ((long) i * j >= minTiles) {
            set.add(i, j);
        }
    }
}
