package io.github.llamapanama.chat.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * What keeps a chat template inside itself and inside its {@link RenderBudget}:
 * <ul>
 *   <li>{@code include}, {@code import}, {@code from} and {@code extends} refuse every name
 *       (chat templates never need them, and llama.cpp's minja has no file access either): a
 *       template that has one is refused when it is parsed, whichever branch the tag is in, and
 *       the tags themselves refuse at render time too, as does the resource locator behind them
 *       (Jinjava's default reads the class path);</li>
 *   <li>{@code for} charges its iterations to the render's budget;</li>
 *   <li>Jinjava's filters that Python's Jinja does not have and that need libraries the library
 *       leaves out of its dependencies ({@code ipaddr}, {@code ipv4}, {@code ipv6},
 *       {@code b64encode}: commons-net and java-ipv6; {@code log}, {@code root}: big-math) say
 *       that they are not available instead of failing on a missing class; so do
 *       {@code fromyaml} and {@code toyaml} (no YAML parser for what a template builds) and
 *       {@code render} (Jinjava's: it runs a string, a message's text say, as a template).</li>
 * </ul>
 */
final class Sandbox {
    static final Set<String> FORBIDDEN_TAGS = Set.of("include", "import", "from", "extends");
    static final List<String> UNAVAILABLE_FILTERS = List.of("fromyaml", "toyaml", "ipaddr", "ipv4", "ipv6",
            "b64encode", "log", "root", "render");

    private Sandbox() {
    }

    static void install(Jinjava jinjava) {
        for (String tag : FORBIDDEN_TAGS) {
            jinjava.getGlobalContext().registerTag(new RefusedTag(tag));
        }
        jinjava.getGlobalContext().registerTag(new CountedForTag());
        for (String filter : UNAVAILABLE_FILTERS) {
            jinjava.getGlobalContext().registerFilter(new UnavailableFilter(filter));
        }
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new IOException("a chat template reads no templates, files or resources ('" + name + "')");
        });
    }

    static TemplateException forbidden(String tag, int line) {
        return new TemplateException("the chat template uses {% " + tag + " %}" + (line > 0 ? " (line " + line + ")" : "")
                + ", which is refused: a chat template may not read other templates, files or class path resources",
                TemplateException.Reason.FORBIDDEN_TAG);
    }

    /** Refuses a parsed template that has a forbidden tag anywhere, taken branch or not. */
    static void scan(Node node) {
        for (Node child : node.getChildren()) {
            if (child instanceof TagNode t && FORBIDDEN_TAGS.contains(t.getName())) {
                throw forbidden(t.getName(), t.getLineNumber());
            }
            scan(child);
        }
    }

    /** {@code include}, {@code import}, {@code from} or {@code extends}: refuses whatever it names. */
    private record RefusedTag(String name) implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getEndTagName() {
            return null;
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            throw RenderMeter.refuse(name);
        }
    }

    /** Jinjava's {@code for}, each loop charged to the render's budget before it runs. */
    private static final class CountedForTag extends ForTag {
        private static final long serialVersionUID = 1L;

        @Override
        public String renderForCollection(TagNode tagNode, JinjavaInterpreter interpreter, List<String> loopVars,
                                          Object collection) {
            return super.renderForCollection(tagNode, interpreter, loopVars, RenderMeter.counted(collection));
        }
    }

    private record UnavailableFilter(String name) implements Filter {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            throw new UnsupportedOperationException("the filter '" + name + "' is not available to chat templates");
        }
    }
}
