package io.github.llamapanama.chat.jinja;

import com.hubspot.jinjava.objects.serialization.PyishSerializable;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tool call's arguments as a template sees them: a mapping (so {@code arguments | tojson},
 * {@code arguments.city} and {@code arguments.items()} work, as in templates written for
 * Hugging Face, which pass a dict) that prints as the JSON text the model wrote (as in
 * templates written for OpenAI messages, which pass a string). llama.cpp's minja makes the same
 * choice per template by probing it; one value serves both here.
 */
public final class JsonArguments extends LinkedHashMap<String, Object> implements PyishSerializable {
    private final String text;

    public JsonArguments(Map<String, Object> parsed, String text) {
        super(parsed);
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Appendable & CharSequence> T appendPyishString(T appendable) throws IOException {
        return (T) appendable.append(text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonArguments a && a.text.equals(text) && super.equals(o);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
