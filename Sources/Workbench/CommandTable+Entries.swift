/// The entries of the command table, grouped by category.
extension CommandTable {
    static let solveCommon: [OptionSpec] = [
        OptionSpec("steps", .integer, "1000", "number of diffusion steps"),
        OptionSpec("n", .integer, "1", "independent solutions, one seed each"),
    ]

    static let redDiffOptions: [OptionSpec] = [
        OptionSpec("lr", .number, "0.5", "Adam learning rate"),
        OptionSpec("lambda", .number, "0.25", "regularisation weight λ"),
        OptionSpec("weight", .choice(["snr", "sqrt", "square", "log", "trunc", "const"]), "snr", "time weighting (snr: λ·σ_t/α_t)"),
        OptionSpec("order", .choice(["desc", "asc", "random"]), "desc", "order of the timesteps"),
        OptionSpec("init", .choice(["pinv", "zero", "noise"]), "pinv", "initial μ"),
        OptionSpec("obsweight", .number, "1", "weight v of the observation loss, or 'auto' (v = (0.1/σ_y)², capped at 100)"),
        OptionSpec("optimizer", .choice(["adam", "sgd"]), "adam", "optimizer of μ"),
    ]

    /// Every command, in the order `help` lists them.
    public static let all: [CommandSpec] = [
        // data
        CommandSpec("load", "data", "FILE", "x := an image (PNG, [0,1]) or tensor \"x\" of a .safetensors file (raw); with `as NAME` a named image beside the results",
                    options: [OptionSpec("size", .pair, "", "area-resize to W or WxH"),
                              OptionSpec("gray", .flag, "off", "convert to one channel")],
                    takesName: true, examples: ["load \"Stdlib/images/coffee.png\"", "load \"photo.png\" size=128 gray", "load \"other.png\" as ref"]),
        CommandSpec("crop", "data", "SIZE", "x := a SIZE or WxH crop (default: centered)",
                    options: [OptionSpec("at", .pair, "", "column,row of the top-left corner")], examples: ["crop 128 at=10,20"]),
        CommandSpec("sample", "data", "prior|posterior", "x := a draw from the prior, or exact posterior draws (GMM prior, linear A, Gaussian noise)",
                    options: [OptionSpec("n", .integer, "1", "number of draws")],
                    variants: [VariantSpec("prior", "", "x := one draw from the prior"),
                               VariantSpec("posterior", "", "exact posterior draws, kept as NAME")],
                    variantRequired: true, takesName: true, examples: ["sample prior", "sample posterior n=2000 as exact"]),
        CommandSpec("matrix", "data", "FILE", "A := the dense matrix in tensor \"A\" [M, D] of a .safetensors file", examples: ["matrix \"A.safetensors\""]),
        CommandSpec("predict", "data", "eps|x0", "the prior's ε̂(x, t) or Tweedie's x̂0(x, t), taking x as x_t (model space)",
                    options: [OptionSpec("t", .integer, "", "timestep, 0…999")],
                    variants: [VariantSpec("eps", "", "predicted noise ε̂"), VariantSpec("x0", "", "Tweedie's x̂0")],
                    variantRequired: true, takesName: true, examples: ["predict eps t=750 as e", "predict x0 t=100 as d"]),

        // degradations
        CommandSpec("mask", "degradation", "box|random|freeform|half|FILE", "inpainting: hide pixels (appends to A)",
                    options: [OptionSpec("at", .pair, "", "column,row of the box's top-left corner (default: centered)")],
                    variants: [VariantSpec("box", "[W [H]]", "hide a box (default: half the side, centered)"),
                               VariantSpec("random", "FRACTION", "hide a random fraction of the pixels (all channels together)"),
                               VariantSpec("freeform", "", "brush strokes covering 20-30% of the image (seeded)"),
                               VariantSpec("half", "left|right|top|bottom", "hide one half")],
                    examples: ["mask box 64 64 at=96,96", "mask random 0.7", "mask freeform", "mask half left", "mask \"holes.png\""]),
        CommandSpec("blur", "degradation", "gaussian|uniform|motion", "deblurring: convolve (appends to A)",
                    variants: [VariantSpec("gaussian", "", "Gaussian kernel", [OptionSpec("sigma", .number, "3", "standard deviation in pixels"),
                                                                                OptionSpec("size", .integer, "13", "kernel side")]),
                               VariantSpec("uniform", "", "box kernel", [OptionSpec("size", .integer, "9", "kernel side")]),
                               VariantSpec("motion", "", "linear motion kernel", [OptionSpec("length", .integer, "15", "length in pixels"),
                                                                                OptionSpec("angle", .number, "0", "angle in degrees")])],
                    variantRequired: true, examples: ["blur gaussian sigma=3 size=13", "blur uniform size=9", "blur motion length=15 angle=30"]),
        CommandSpec("downsample", "degradation", "FACTOR", "super-resolution: block average (appends to A)",
                    options: [OptionSpec("method", .choice(["box", "bicubic"]), "box", "downsampling kernel")], examples: ["downsample 4"]),
        CommandSpec("colorize", "degradation", "", "colorization: y is the gray image (channel mean)", examples: ["colorize"]),
        CommandSpec("phase", "degradation", "", "phase retrieval: y = |FFT(zero-padded x)|, nonlinear",
                    options: [OptionSpec("oversample", .number, "2", "padding factor")], examples: ["phase oversample=2"]),
        CommandSpec("hdr", "degradation", "", "HDR: y = clip(scale·(2x−1), −1, 1), nonlinear",
                    options: [OptionSpec("scale", .number, "2", "exposure scale")], examples: ["hdr scale=2"]),
        CommandSpec("sense", "degradation", "[FRACTION]", "compressed sensing: a random fraction of the coefficients of an orthogonal transform; rows= for vector data",
                    options: [OptionSpec("rows", .integer, "", "a random rows x dim matrix (vector data)")], examples: ["sense 0.25", "sense rows=2"]),
        CommandSpec("noise", "degradation", "STD", "measurement noise std ([0,1] units for images, raw for vectors)", examples: ["noise 0.05"]),
        CommandSpec("clear", "degradation", "", "A := identity, noise := 0", examples: ["clear"]),
        CommandSpec("measure", "degradation", "", "y := A(x) + noise (seeded)", examples: ["measure"]),

        // prior
        CommandSpec("prior", "prior", "natural|gmm|FILE", "set the diffusion prior",
                    variants: [VariantSpec("natural", "", "the shipped natural-image prior"),
                               VariantSpec("gmm", "grid", "the 25-component grid GMM on R^dim", [OptionSpec("dim", .integer, "8", "dimension")])],
                    examples: ["prior natural", "prior \"my-prior.safetensors\"", "prior gmm grid dim=8"]),

        // solve
        CommandSpec("solve", "solve", "METHOD", "restore x from y with the prior; the result is `result` (and NAME with `as`)",
                    options: solveCommon,
                    variants: [VariantSpec("reddiff", "", "RED-diff (variational, Adam on μ)", redDiffOptions),
                               VariantSpec("dps", "", "diffusion posterior sampling", [OptionSpec("zeta", .number, "1.0", "guidance step ζ"),
                                                                                       OptionSpec("eta", .number, "1.0", "DDIM η")]),
                               VariantSpec("pigdm", "", "pseudo-inverse guided diffusion", [OptionSpec("eta", .number, "1.0", "DDIM η"),
                                                                                            OptionSpec("scale", .number, "1.0", "guidance scale")]),
                               VariantSpec("ddrm", "", "denoising diffusion restoration", [OptionSpec("eta", .number, "0.85", "η"),
                                                                                          OptionSpec("etab", .number, "1", "η_b")]),
                               VariantSpec("pinv", "", "the pseudo-inverse A⁺y, a baseline"),
                               VariantSpec("ddim", "", "unconditional sample from the prior (ignores y)", [OptionSpec("eta", .number, "0", "DDIM η")])],
                    variantRequired: true, takesName: true,
                    examples: ["solve reddiff steps=1000 lr=0.5 lambda=0.25 weight=snr order=desc",
                               "solve reddiff steps=100 lr=0.25 weight=sqrt order=random init=noise as red2",
                               "solve dps steps=1000 zeta=1.0", "solve pigdm steps=100", "solve ddrm steps=20 eta=0.85 etab=1",
                               "solve pinv", "solve ddim steps=50"]),
        CommandSpec("compare", "solve", "A B", "sliced Wasserstein distance (and mean error) between two sample sets",
                    options: [OptionSpec("to", .path, "", "also write the comparison as CSV")], examples: ["compare red exact", "compare red exact to \"c.csv\""]),

        // output
        CommandSpec("metrics", "output", "", "PSNR and SSIM against x, measurement residual, time, for every result",
                    options: [OptionSpec("to", .path, "", "also write the table as CSV")], examples: ["metrics", "metrics to \"m.csv\""]),
        CommandSpec("plot", "output", "loss|psnr|ssim …", "plot curves of the last solve with gnuplot (terminal plot without `to`)",
                    options: [OptionSpec("to", .path, "", "write a .png or .svg file")], examples: ["plot loss", "plot loss psnr to \"curves.png\""]),
        CommandSpec("save", "output", "result|x|y|grid|trace|session|NAME FILE", "write a value, a labelled grid, the trace CSV or the session script",
                    examples: ["save result \"out.png\"", "save grid \"compare.png\"", "save trace \"trace.csv\"",
                               "save session \"explore.red\"", "save exact \"samples.safetensors\""]),
        CommandSpec("view", "output", "result|x|y|grid|NAME", "draw an image in the terminal (24-bit colour half-blocks)",
                    options: [OptionSpec("width", .integer, "", "columns (default: the terminal's)")], examples: ["view result"]),

        // session
        CommandSpec("print", "session", "VALUE…", "print values; strings interpolate $variables", examples: ["print \"lr is $lr\""]),
        CommandSpec("set", "session", "", "session settings",
                    options: [OptionSpec("seed", .integer, "0", "seed for everything random"),
                              OptionSpec("threads", .integer, "", "worker threads"),
                              OptionSpec("progress", .flag, "on", "progress bar on a terminal")],
                    examples: ["set seed=3", "set threads=2", "set progress=off"]),
        CommandSpec("show", "session", "", "print the session state", examples: ["show"]),
        CommandSpec("run", "session", "FILE", "evaluate another script in this session", examples: ["run \"Stdlib/tasks.red\""]),
        CommandSpec("help", "session", "[COMMAND [VARIANT]]", "list commands, or describe one", examples: ["help", "help solve"]),
        CommandSpec("quit", "session", "", "leave red", examples: ["quit"]),
    ]
}
