package io.github.llamapanama.cli;

import io.github.llamapanama.Llama;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"llama-panama " + Llama.version() + " (llama.cpp " + Llama.llamaCppCommit() + ")"};
    }
}
