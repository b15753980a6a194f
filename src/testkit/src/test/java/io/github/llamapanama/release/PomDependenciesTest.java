package io.github.llamapanama.release;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a project depending on llama-panama inherits, read from the library's pom.xml: only
 * jackson-databind and Jinjava (with three of Jinjava's dependencies at maintained versions, and
 * what the library does not need of the rest excluded); the progress bar's and MP4's libraries are optional, and no
 * application's or integration's library is there at all. Plus the POM entries Maven Central
 * requires, from the parent.
 */
class PomDependenciesTest {
    static final Path ROOT = Path.of(System.getProperty("llama.panama.root", "../.."));
    private static Element project;
    private static Element library;

    @BeforeAll
    static void parse() throws Exception {
        project = parse(ROOT.resolve("pom.xml"));
        library = parse(ROOT.resolve("src/core/pom.xml"));
    }

    private static Element parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? "" : c.getFirst().getTextContent().trim();
    }

    @Test
    void consumersInheritOnlyJackson() {
        Set<String> inherited = new TreeSet<>();
        Set<String> optional = new TreeSet<>();
        Element deps = children(library, "dependencies").getFirst();
        for (Element d : children(deps, "dependency")) {
            String scope = text(d, "scope");
            String id = text(d, "groupId") + ":" + text(d, "artifactId");
            if (scope.equals("test") || scope.equals("provided")) {
                continue;
            }
            if (text(d, "optional").equals("true")) {
                optional.add(id);
            } else {
                inherited.add(id);
            }
        }
        // Jinjava renders models' own chat templates (tools) in the library's chat package; three of its own
        // dependencies are declared at maintained versions (issue #26; the whole runtime list is
        // src/core/runtime-dependencies.txt, checked by core's RuntimeDependenciesTest).
        assertEquals(Set.of("com.fasterxml.jackson.core:jackson-databind", "com.hubspot.jinjava:jinjava",
                "org.apache.commons:commons-lang3", "com.fasterxml.jackson.datatype:jackson-datatype-jdk8",
                "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml"), inherited);
        assertEquals(Set.of("me.tongfei:progressbar", "org.jcodec:jcodec"), optional);
    }

    @Test
    void jinjavaComesWithoutTheJarsTheLibraryDoesNotNeed() {
        Element deps = children(library, "dependencies").getFirst();
        Element jinjava = children(deps, "dependency").stream()
                .filter(d -> text(d, "artifactId").equals("jinjava")).findFirst().orElseThrow();
        Set<String> excluded = new TreeSet<>();
        for (Element e : children(children(jinjava, "exclusions").getFirst(), "exclusion")) {
            excluded.add(text(e, "artifactId"));
        }
        for (String artifact : List.of("commons-net", "java-ipv6", "big-math", "javassist", "jsr305", "annotations",
                "commons-lang3", "jackson-dataformat-yaml")) {
            assertTrue(excluded.contains(artifact), artifact + " not excluded from Jinjava: " + excluded);
        }
    }

    @Test
    void theLibraryPomNamesNoApplicationOrIntegration() {
        String deps = children(library, "dependencies").getFirst().getTextContent();
        for (String group : List.of("info.picocli", "org.apache.spark", "org.springframework", "dev.langchain4j")) {
            assertFalse(deps.contains(group), group);
        }
    }

    @Test
    void theCliJarStillBundlesTheOptionalDependencies() throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ROOT.resolve("src/cli/src/assembly/cli.xml").toFile());
        NodeList sets = doc.getElementsByTagName("dependencySet");
        assertEquals(1, sets.getLength());
        Node scope = ((Element) sets.item(0)).getElementsByTagName("scope").item(0);
        assertEquals("runtime", scope.getTextContent().trim(), "optional dependencies are in the runtime scope");
    }

    @Test
    void hasTheMetadataMavenCentralRequires() {
        for (String tag : List.of("name", "description", "url")) {
            assertFalse(text(project, tag).isEmpty(), tag);
        }
        Element license = children(children(project, "licenses").getFirst(), "license").getFirst();
        assertFalse(text(license, "name").isEmpty());
        assertFalse(text(license, "url").isEmpty());
        Element scm = children(project, "scm").getFirst();
        assertFalse(text(scm, "connection").isEmpty());
        assertFalse(text(scm, "url").isEmpty());
        assertFalse(children(children(project, "developers").getFirst(), "developer").isEmpty());
        Element profiles = children(project, "profiles").getFirst();
        Element release = children(profiles, "profile").stream().filter(p -> text(p, "id").equals("release"))
                .findFirst().orElseThrow();
        String plugins = release.getTextContent();
        for (String plugin : List.of("maven-source-plugin", "maven-javadoc-plugin", "maven-gpg-plugin")) {
            assertTrue(plugins.contains(plugin), plugin);
        }
    }
}
