package io.github.llamapanama.hub;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufFilesTest {
    /** Names in the style of Mungert/InternVL3-1B-GGUF. */
    static final List<String> MUNGERT = List.of(".gitattributes", "README.md",
            "InternVL3-1B-bf16.gguf", "InternVL3-1B-bf16_q8_0.gguf", "InternVL3-1B-f16.gguf",
            "InternVL3-1B-f16_q8_0.gguf", "InternVL3-1B-iq3_xs.gguf", "InternVL3-1B-q4_k.gguf",
            "InternVL3-1B-q4_k_m.gguf", "InternVL3-1B-q4_k_s.gguf", "InternVL3-1B-q8_0.gguf",
            "mmproj-InternVL3-1B-bf16.gguf", "mmproj-InternVL3-1B-f16.gguf");
    /** Names in the style of ggml-org/InternVL3-1B-Instruct-GGUF. */
    static final List<String> GGML_ORG = List.of(".gitattributes", "README.md",
            "InternVL3-1B-Instruct-Q8_0.gguf", "InternVL3-1B-Instruct-f16.gguf",
            "mmproj-InternVL3-1B-Instruct-Q8_0.gguf", "mmproj-InternVL3-1B-Instruct-f16.gguf");

    @Test
    void quantMatchesAWholeTokenCaseInsensitively() {
        assertEquals(List.of("InternVL3-1B-q4_k.gguf"), GgufFiles.choose("m", MUNGERT, "q4_k").model());
        assertEquals(List.of("InternVL3-1B-q4_k_m.gguf"), GgufFiles.choose("m", MUNGERT, "Q4_K_M").model());
        assertEquals(List.of("InternVL3-1B-q8_0.gguf"), GgufFiles.choose("m", MUNGERT, "Q8_0").model());
        assertEquals(List.of("InternVL3-1B-f16.gguf"), GgufFiles.choose("m", MUNGERT, "f16").model());
        assertEquals(List.of("InternVL3-1B-bf16_q8_0.gguf"), GgufFiles.choose("m", MUNGERT, "bf16_q8_0").model());
        assertFalse(GgufFiles.hasQuant("InternVL3-1B-bf16.gguf", "f16"));
        assertTrue(GgufFiles.hasQuant("Q4_K_M/model-00001-of-00002.gguf", "q4_k_m"));
    }

    @Test
    void mmprojWithoutTheQuantFallsBackToF16() {
        assertEquals("mmproj-InternVL3-1B-f16.gguf", GgufFiles.choose("m", MUNGERT, "q4_k").mmproj());
        assertEquals("mmproj-InternVL3-1B-bf16.gguf", GgufFiles.choose("m", MUNGERT, "bf16").mmproj());
    }

    @Test
    void mmprojWithTheSameQuantIsPreferred() {
        GgufFiles.Choice q8 = GgufFiles.choose("g", GGML_ORG, "q8_0");
        assertEquals(List.of("InternVL3-1B-Instruct-Q8_0.gguf"), q8.model());
        assertEquals("mmproj-InternVL3-1B-Instruct-Q8_0.gguf", q8.mmproj());
        GgufFiles.Choice f16 = GgufFiles.choose("g", GGML_ORG, "F16");
        assertEquals(List.of("InternVL3-1B-Instruct-f16.gguf"), f16.model());
        assertEquals("mmproj-InternVL3-1B-Instruct-f16.gguf", f16.mmproj());
    }

    @Test
    void anyMmprojWhenNeitherQuantNorF16() {
        List<String> files = List.of("m-Q4_K_M.gguf", "mmproj-m-bf16.gguf");
        assertEquals("mmproj-m-bf16.gguf", GgufFiles.choose("r", files, "Q4_K_M").mmproj());
    }

    @Test
    void withoutQuantQ4KMThenQ8ThenTheFirst() {
        assertEquals(List.of("InternVL3-1B-q4_k_m.gguf"), GgufFiles.choose("m", MUNGERT, null).model());
        GgufFiles.Choice g = GgufFiles.choose("g", GGML_ORG, null);
        assertEquals(List.of("InternVL3-1B-Instruct-Q8_0.gguf"), g.model());
        assertEquals("mmproj-InternVL3-1B-Instruct-Q8_0.gguf", g.mmproj());
        List<String> other = List.of("b-model-q6_k.gguf", "a-model-q5_k.gguf", "mmproj-x.gguf");
        assertEquals(List.of("a-model-q5_k.gguf"), GgufFiles.choose("r", other, null).model());
    }

    @Test
    void splitModelsComeWithAllTheirParts() {
        List<String> files = List.of("Q4_K_M/big-Q4_K_M-00002-of-00003.gguf", "Q4_K_M/big-Q4_K_M-00001-of-00003.gguf",
                "Q4_K_M/big-Q4_K_M-00003-of-00003.gguf", "mmproj-big-f16.gguf");
        assertEquals(List.of("Q4_K_M/big-Q4_K_M-00001-of-00003.gguf", "Q4_K_M/big-Q4_K_M-00002-of-00003.gguf",
                "Q4_K_M/big-Q4_K_M-00003-of-00003.gguf"), GgufFiles.choose("r", files, "q4_k_m").model());
    }

    @Test
    void clearErrors() {
        HubException noQuant = assertThrows(HubException.class, () -> GgufFiles.choose("Mungert/InternVL3-1B-GGUF", MUNGERT, "q5_k"));
        assertTrue(noQuant.getMessage().contains("q5_k") && noQuant.getMessage().contains("InternVL3-1B-q8_0.gguf"),
                noQuant.getMessage());
        assertFalse(noQuant.getMessage().contains("mmproj"), noQuant.getMessage());
        HubException noMmproj = assertThrows(HubException.class,
                () -> GgufFiles.choose("r", List.of("m-Q8_0.gguf", "README.md"), "Q8_0"));
        assertTrue(noMmproj.getMessage().contains("mmproj"), noMmproj.getMessage());
        HubException noModel = assertThrows(HubException.class,
                () -> GgufFiles.choose("r", List.of("mmproj-f16.gguf", "README.md"), null));
        assertTrue(noModel.getMessage().contains("no GGUF model"), noModel.getMessage());
    }
}
