"""Regenerates this directory's reference files (run from this directory; needs numpy and Pillow).

python3 references.py          # frame-indices.txt: the model card's get_index on many inputs
python3 references.py mp4      # bframes-90x60.mp4, slices-90x60.mp4 (needs ffmpeg with libx264)
"""
import os, random, subprocess, sys, tempfile

import numpy as np


def get_index(bound, fps, max_frame, first_idx=0, num_segments=32):
    if bound:
        start, end = bound[0], bound[1]
    else:
        start, end = -100000, 100000
    start_idx = max(first_idx, round(start * fps))
    end_idx = min(round(end * fps), max_frame)
    seg_size = float(end_idx - start_idx) / num_segments
    frame_indices = np.array([int(start_idx + (seg_size / 2) + np.round(seg_size * idx)) for idx in range(num_segments)])
    return frame_indices


def indices():
    rnd = random.Random(7)
    cases = []
    for n in [1, 2, 3, 5, 7, 8, 9, 10, 16, 31, 32, 33, 64, 100, 101, 250, 1000, 3001]:
        for k in [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 32, 33, 64]:
            cases.append((n, 30.0, None, k))
    for _ in range(250):
        n = rnd.choice([rnd.randint(1, 20), rnd.randint(1, 500), rnd.randint(1, 100000)])
        fps = rnd.choice([30.0, 29.97, 25.0, 24.0, 10.0, 1.0, 0.5, 59.94, round(rnd.uniform(0.1, 120), 3)])
        k = rnd.choice([1, 4, 8, 16, 32, rnd.randint(1, 64)])
        bound = None
        if rnd.random() < 0.5:
            a = round(rnd.uniform(-5, n / fps * 1.2), rnd.choice([0, 1, 2, 3]))
            b = a + round(rnd.uniform(0, n / fps), rnd.choice([0, 1, 2]))
            bound = (a, b)
        cases.append((n, fps, bound, k))
    # round() half-way ties
    cases += [(10, 1.0, (0.5, 2.5), 4), (100, 2.0, (1.25, 3.75), 5), (20, 1.0, (1.5, 9.5), 3), (50, 10.0, (0.05, 0.25), 2)]
    with open("frame-indices.txt", "w") as f:
        f.write("# frameCount;fps;bound (start,end or none);numSegments;indices -- get_index from the InternVL3"
                " model card, python3 + numpy\n")
        for (n, fps, bound, k) in cases:
            b = "none" if bound is None else f"{bound[0]!r},{bound[1]!r}"
            f.write(f"{n};{fps!r};{b};{k};{' '.join(str(int(v)) for v in get_index(bound, fps, n - 1, 0, k))}\n")


def mp4():
    # 30 frames of 90x60: frame i is ((8i) % 256, 255 - (8i) % 256, (37i) % 256) with a white
    # box at x 2i..2i+10, y 5..20. High profile, CABAC, B-frames, moov first.
    from PIL import Image, ImageDraw
    with tempfile.TemporaryDirectory() as d:
        for i in range(30):
            im = Image.new("RGB", (90, 60), ((i * 8) % 256, 255 - (i * 8) % 256, (i * 37) % 256))
            ImageDraw.Draw(im).rectangle([i * 2, 5, i * 2 + 10, 20], fill=(255, 255, 255))
            im.save(os.path.join(d, f"g{i:03d}.png"))
        frames = ["ffmpeg", "-y", "-framerate", "10", "-i", os.path.join(d, "g%03d.png"), "-c:v", "libx264",
                  "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "12"]
        subprocess.run(frames + ["-bf", "3", "-movflags", "+faststart", "bframes-90x60.mp4"], check=True)
        # four slices a frame: jcodec decodes them on its thread pool
        subprocess.run(frames + ["-x264-params", "slices=4", "slices-90x60.mp4"], check=True)


if __name__ == "__main__":
    mp4() if sys.argv[1:] == ["mp4"] else indices()
