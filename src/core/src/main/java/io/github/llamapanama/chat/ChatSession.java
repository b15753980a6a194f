package io.github.llamapanama.chat;

import io.github.llamapanama.generation.Generation;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.generation.PieceListener;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.sampling.Sampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multi-turn conversation on one sequence of a context. Each turn formats the whole
 * conversation with the chat template, keeps the longest prefix that is already in the KV cache
 * and evaluates only the rest, so earlier turns are not recomputed.
 *
 * {@snippet :
 * ChatSession chat = new ChatSession(context, sampler, ChatTemplate.of(model));
 * chat.system("You are terse.");
 * System.out.println(chat.send("Hi!", GenerationParams.maxTokens(64)).text());
 * }
 */
public final class ChatSession {
    private final Context context;
    private final Generator generator;
    private final ChatTemplate template;
    private final OverflowPolicy overflow;
    private final List<ChatMessage> messages = new ArrayList<>();
    private int[] cached = new int[0]; // tokens in the KV cache for this sequence
    private int lastPromptTokens;

    public ChatSession(Context context, Sampler sampler, ChatTemplate template) {
        this(context, sampler, template, OverflowPolicy.ERROR, 0);
    }

    public ChatSession(Context context, Sampler sampler, ChatTemplate template, OverflowPolicy overflow, int sequence) {
        this.context = context;
        this.generator = new Generator(context, sampler, sequence, 0);
        this.template = template;
        this.overflow = overflow;
    }

    /** Sets (or replaces) the system message. */
    public ChatSession system(String content) {
        if (!messages.isEmpty() && messages.getFirst().role() == ChatMessage.Role.SYSTEM) {
            messages.set(0, ChatMessage.system(content));
        } else {
            messages.addFirst(ChatMessage.system(content));
        }
        return this;
    }

    /** The conversation so far. */
    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    /** Sends a user message and returns the running answer; it joins the history when finished. */
    public ChatTurn send(String userMessage, GenerationParams params) {
        messages.add(ChatMessage.user(userMessage));
        int[] prompt = fit(params);
        int common = PromptPrefix.resumeAt(cached, prompt);
        generator.rewind(Math.min(common, generator.position()));
        int[] fresh = Arrays.copyOfRange(prompt, common, prompt.length);
        lastPromptTokens = fresh.length;
        cached = prompt;
        return new ChatTurn(generator.generate(fresh, params), this::record);
    }

    /** Formats the conversation, dropping old turns if the policy allows, until it fits. */
    private int[] fit(GenerationParams params) {
        Vocab vocab = context.model().vocab();
        int reserve = params.maxTokens() > 0 ? Math.min(params.maxTokens(), context.contextSize() / 2) : 1;
        while (true) {
            int[] prompt = vocab.tokenize(template.apply(messages, true), true, true);
            if (prompt.length + reserve < context.contextSize()) {
                return prompt;
            }
            int first = !messages.isEmpty() && messages.getFirst().role() == ChatMessage.Role.SYSTEM ? 1 : 0;
            if (overflow == OverflowPolicy.ERROR || messages.size() - first <= 1) {
                messages.removeLast();
                throw new ContextFullException("the conversation needs " + prompt.length + " tokens plus " + reserve
                        + " for the answer, but the context holds " + context.contextSize()
                        + (overflow == OverflowPolicy.ERROR ? "; use OverflowPolicy.DROP_OLDEST_TURNS to drop old turns" : ""));
            }
            messages.remove(first); // the oldest user message, then its answer on the next pass
            if (messages.size() - first > 1 && messages.get(first).role() == ChatMessage.Role.ASSISTANT) {
                messages.remove(first);
            }
        }
    }

    /** Prompt tokens the last {@link #send} had to evaluate (the part not already cached). */
    public int lastPromptTokens() {
        return lastPromptTokens;
    }

    /** Saves the conversation and its KV cache cells; {@link #load} resumes it without re-evaluating. */
    public void save(java.nio.file.Path file) {
        ChatFile.write(file, new ChatFile.Contents(messages, java.util.Map.of("tokens", Arrays.stream(cached).boxed().toList()),
                context.saveSequenceState(generator.sequence())));
    }

    /** Replaces this conversation with a saved one (same model and template). */
    @SuppressWarnings("unchecked")
    public void load(java.nio.file.Path file) {
        ChatFile.Contents c = ChatFile.read(file);
        generator.reset();
        context.loadSequenceState(generator.sequence(), c.state());
        messages.clear();
        messages.addAll(c.messages());
        cached = ((List<Number>) c.session().get("tokens")).stream().mapToInt(Number::intValue).toArray();
        generator.advanceTo(cached.length);
    }

    /** Forgets the conversation (but keeps the system message) and its KV cache. */
    public void reset() {
        messages.removeIf(m -> m.role() != ChatMessage.Role.SYSTEM);
        generator.reset();
        cached = new int[0];
    }

    private GenerationResult record(GenerationResult r) {
        messages.add(ChatMessage.assistant(r.text()));
        // The KV cache now holds the prompt and every sampled token but the last.
        int[] gen = r.tokens();
        int decoded = Math.max(0, gen.length - 1);
        int[] now = Arrays.copyOf(cached, cached.length + decoded);
        System.arraycopy(gen, 0, now, cached.length, decoded);
        cached = now;
        return r;
    }
}
