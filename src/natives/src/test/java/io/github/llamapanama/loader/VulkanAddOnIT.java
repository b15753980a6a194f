package io.github.llamapanama.loader;

import io.github.llamapanama.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vulkan add-on (build-native.sh --vulkan: libggml-vulkan only) loaded beside the CPU natives,
 * run on whatever Vulkan driver the machine has: Mesa's lavapipe here and in CI, a CPU
 * implementation of Vulkan. The device shows in the listing, the fixtures run with every layer
 * offloaded, and greedy decoding gives the CPU backend's tokens.
 */
class VulkanAddOnIT {
    private static final int TOKENS = 16;
    /**
     * Largest |logit| difference accepted at the prompt between Vulkan on lavapipe and the CPU
     * backend (measured here: 0.056 at F16; shaders sum in their own order and precision); the
     * greedy tokens must agree exactly.
     */
    private static final double LOGIT_TOLERANCE = 0.15;

    @Test
    void theVulkanDeviceIsListedAndOffloadedDecodingMatchesTheCpu() throws Exception {
        Path model = Fixtures.tinyQwen2();
        ProbeRun cpu = ProbeRun.of(model, 0, TOKENS).requireSuccess();
        assertTrue(cpu.values("device").stream().noneMatch(d -> d.startsWith("GPU|")),
                "without the add-on only the CPU is listed: " + cpu.output());

        ProbeRun vulkan = ProbeRun.of(model, 99, TOKENS, "-Dllama.panama.variant=vulkan").requireSuccess();
        List<String> devices = vulkan.values("device");
        assertTrue(devices.stream().anyMatch(d -> d.startsWith("GPU|Vulkan0|")), "devices: " + devices
                + "\n" + vulkan.output());
        assertTrue(List.of(vulkan.value("backends").split(",")).contains("Vulkan"), vulkan.output());
        assertEquals("[]", vulkan.value("warnings"));

        double diff = ProbeRun.maxPromptLogitDiff(cpu, vulkan);
        System.out.printf("Vulkan (%s) vs CPU (%s): tokens %s / %s, max |logit diff| at the prompt %.3g%n",
                devices.getFirst(), cpu.value("variant"), vulkan.value("tokens"), cpu.value("tokens"), diff);
        assertEquals(cpu.value("tokens"), vulkan.value("tokens"), "max prompt logit diff " + diff);
        assertTrue(diff < LOGIT_TOLERANCE, "prompt logits differ by " + diff);
    }
}
