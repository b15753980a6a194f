/**
 * InternVL's dynamic tiling ({@code dynamic_preprocess} of the model card): the closest
 * aspect-ratio grid of up to N 448x448 tiles plus a thumbnail, with PIL-exact bicubic resizing.
 * {@code VisionChat.maxTiles(N)} uses it.
 *
 * {@snippet :
 * TileGrid grid = DynamicTiling.chooseGrid(1920, 1080, 1, 12, 448);
 * }
 */
package io.github.llamapanama.vision.tiling;
