# The paper's tasks (RED-diff, Mardani et al. 2024): each resets A and sets one degradation.
def sr4 sigma=0.05 { clear; downsample 4; noise $sigma }
def sr8 sigma=0.05 { clear; downsample 8; noise $sigma }
def inpaint_box side=0 sigma=0.0 { clear; mask box; noise $sigma }
def inpaint_random p=0.7 sigma=0.0 { clear; mask random $p; noise $sigma }
def inpaint_freeform sigma=0.0 { clear; mask freeform; noise $sigma }
def deblur_gauss sigma=3 size=13 noise_std=0.05 { clear; blur gaussian sigma=$sigma size=$size; noise $noise_std }
def deblur_uniform size=9 noise_std=0.05 { clear; blur uniform size=$size; noise $noise_std }
def deblur_motion length=15 angle=30 noise_std=0.05 { clear; blur motion length=$length angle=$angle; noise $noise_std }
def colorization sigma=0.0 { clear; colorize; noise $sigma }
def phase_retrieval oversample=2 sigma=0.05 { clear; phase oversample=$oversample; noise $sigma }
def hdr_task scale=2 sigma=0.05 { clear; hdr scale=$scale; noise $sigma }
def cs25 sigma=0.05 { clear; sense 0.25; noise $sigma }
