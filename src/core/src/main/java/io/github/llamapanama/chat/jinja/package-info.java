/**
 * Renders the Jinja chat templates that model files carry, as llama-server does with its jinja
 * option: the template language of Hugging Face's {@code apply_chat_template}, with its
 * functions ({@code raise_exception}, {@code tojson}, ...).
 *
 * {@snippet :
 * JinjaTemplate template = JinjaTemplate.of(source);   // the model's tokenizer.chat_template
 * }
 */
package io.github.llamapanama.chat.jinja;
