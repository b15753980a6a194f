/**
 * Video as frames for a vision model: animated GIF, a directory of images, MP4/MOV with H.264
 * (through jcodec, an optional dependency), frames sampled at segment midpoints as the InternVL
 * model card does.
 *
 * {@snippet :
 * try (Video video = VideoFrames.open(Path.of("clip.mp4"))) {
 *     System.out.println(video.frameCount() + " frames");
 * }
 * }
 */
package io.github.llamapanama.vision.video;
