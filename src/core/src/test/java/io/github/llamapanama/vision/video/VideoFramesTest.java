package io.github.llamapanama.vision.video;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoFramesTest {
    @TempDir
    Path dir;

    private VideoFormatException refused(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return assertThrows(VideoFormatException.class, () -> VideoFrames.open(file));
    }

    @Test
    void unsupportedContainersListWhatWorks() throws IOException {
        VideoFormatException webm = refused("clip.webm", new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 0, 0, 0, 0, 0});
        assertTrue(webm.getMessage().contains("Matroska/WebM"), webm.getMessage());
        assertTrue(webm.getMessage().contains(VideoFrames.SUPPORTED), webm.getMessage());

        VideoFormatException avi = refused("clip.avi", "RIFF\0\0\0\0AVI LIST".getBytes());
        assertTrue(avi.getMessage().contains("AVI"), avi.getMessage());

        VideoFormatException text = refused("clip.mp4", "hello, this is not a video".getBytes());
        assertTrue(text.getMessage().contains("named like MP4"), text.getMessage());

        VideoFormatException empty = refused("empty.gif", new byte[0]);
        assertTrue(empty.getMessage().contains("too short"), empty.getMessage());
    }

    @Test
    void detectionIsByContentNotName() throws IOException {
        // An ftyp box with nothing after it: recognised as MP4 (whatever the name), then refused.
        byte[] ftyp = {0, 0, 0, 16, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0};
        VideoFormatException e = refused("movie.gif", ftyp);
        assertTrue(e.getMessage().contains("no moov box"), e.getMessage());
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> VideoFrames.open(dir.resolve("absent.mp4")));
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new VideoLimits(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new VideoLimits(1, 1, 0));
    }
}
