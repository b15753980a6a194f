/**
 * Images and audio through mtmd: a {@link io.github.llamapanama.vision.Projector} (the mmproj file),
 * {@link io.github.llamapanama.vision.Bitmap}s, and chats that mix text and media
 * ({@link io.github.llamapanama.vision.VisionChat}), one or many at a time
 * ({@link io.github.llamapanama.vision.VisionBatch}).
 *
 * {@snippet :
 * try (Projector projector = Projector.load(Path.of("mmproj.gguf"), model);
 *      Bitmap photo = Bitmap.read(projector, Path.of("photo.jpg"))) {
 *     VisionChat chat = new VisionChat(context, projector, sampler, ChatTemplate.of(model));
 *     System.out.println(chat.send("<image>\nDescribe it.", List.of(photo), GenerationParams.maxTokens(128)).text());
 * }
 * }
 */
package io.github.llamapanama.vision;
