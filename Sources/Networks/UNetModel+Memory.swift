import TensorCore

/// A running count of live and peak floats, for replaying a pass's allocations.
struct MemoryTally {
    private(set) var live = 0
    private(set) var peak = 0
    mutating func alloc(_ floats: Int) { live += floats; peak = Swift.max(peak, live) }
    mutating func free(_ floats: Int) { live -= floats }
    /// A buffer that lives only while the call that owns it runs.
    mutating func scratch(_ floats: Int) { alloc(floats); free(floats) }
}

extension UNetModel {
    /// The bytes a forward pass (`withVJP` false) or `withPullback` followed by one pullback
    /// (`withVJP` true) allocates at its peak on `items` inputs of `height × width`, the output
    /// (and input gradient) included, the input not.
    ///
    /// Replays the passes' allocations layer by layer: the forward pass keeps the skip stack and
    /// a layer's own temporaries (im2col scratch of at most `Conv2D.columnBudget` floats, the
    /// T × T attention matrix); the VJP keeps every activation the backward pass reads until the
    /// pullback is released, plus the skip gradients and the largest layer's backward temporaries.
    ///
    /// A forward pass over more than `itemsPerPass` items runs chunk by chunk: its peak is one
    /// chunk's pass plus the outputs of the chunks before it and the chunk's input copy, or the
    /// final concatenation (every output twice), whichever is larger.
    public func workingBytes(items n: Int, height: Int, width: Int, withVJP: Bool) -> Int {
        let chunk = itemsPerPass(height: height, width: width)
        guard withVJP || n <= chunk else {
            let pixels = height * width * MemoryLayout<Float>.size
            let input = config.inChannels * pixels, output = config.outChannels * pixels
            let chunked = passBytes(items: chunk, height: height, width: width, withVJP: false) + (n - chunk) * output + chunk * input
            return Swift.max(chunked, 2 * n * output)
        }
        return passBytes(items: n, height: height, width: width, withVJP: withVJP)
    }

    /// The peak bytes of one pass over all `n` items (see `workingBytes`).
    private func passBytes(items n: Int, height: Int, width: Int, withVJP: Bool) -> Int {
        enum Step { case layer(UNetLayer, floats: Int, height: Int, width: Int), concat(skip: Int) }
        var m = MemoryTally()
        let input = n * config.inChannels * height * width
        m.alloc(input)
        var h = input, hgt = height, wid = width
        var hOwned = false                 // false: the input, or a tensor the skip stack holds
        var stack: [Int] = []
        var steps: [Step] = []
        func run(_ layer: UNetLayer) {
            let (out, oh, ow) = forward(layer, n: n, floats: h, height: hgt, width: wid, keep: withVJP, &m)
            steps.append(.layer(layer, floats: h, height: hgt, width: wid))
            if hOwned && !withVJP { m.free(h) }
            h = out; hgt = oh; wid = ow; hOwned = true
        }
        for block in inputBlocks {
            for layer in block { run(layer) }
            stack.append(h); hOwned = false
        }
        for layer in middleBlock { run(layer) }
        for block in outputBlocks {
            let skip = stack.removeLast()
            m.alloc(h + skip)              // the concatenation
            if hOwned && !withVJP { m.free(h) }
            if !withVJP { m.free(skip) }   // popped: the stack held its last reference
            steps.append(.concat(skip: skip))
            h += skip; hOwned = true
            for layer in block { run(layer) }
        }
        let out = n * config.outChannels * hgt * wid
        m.alloc(h)                         // GN + SiLU
        m.alloc(out)
        m.scratch(convScratch(outConv, n: n, height: hgt, width: wid))
        m.free(h)
        guard withVJP else { return (m.peak - input) * MemoryLayout<Float>.size }

        // The pullback of an output cotangent: the gradient flows back through every layer; the
        // skip gradients split off in the output blocks wait for the input blocks.
        m.alloc(out)
        m.alloc(h); m.scratch(convScratch(outConv, n: n, height: hgt, width: wid)); m.alloc(h); m.free(h)
        var d = h
        for step in steps.reversed() {
            switch step {
            case let .layer(layer, floats, ih, iw):
                let dx = gradient(layer, n: n, inFloats: floats, height: ih, width: iw, dy: d, &m)
                m.free(d)
                d = dx
            case let .concat(skip):
                m.alloc(d - skip); m.alloc(skip); m.free(d)   // split; the skip part is kept
                d -= skip
            }
        }
        return (m.peak - input) * MemoryLayout<Float>.size
    }

    /// The im2col (and grouping) scratch floats of one `Conv2D` call.
    func convScratch(_ c: Conv2D, n: Int, height: Int, width: Int) -> Int {
        let (oh, ow) = c.outputSize(height: height, width: width)
        let kdim = c.inChannels * c.kernelHeight * c.kernelWidth, hw = oh * ow, budget = Conv2D.columnBudget
        if c.kernelHeight == 1 && c.kernelWidth == 1 && c.stride == 1 && c.padding == 0 { return 0 }
        if kdim * hw * 2 <= budget && n > 1 {
            let g = Swift.max(1, Swift.min(n, budget / (kdim * hw)))
            return (kdim + c.outChannels) * g * hw
        }
        return kdim * Swift.max(1, Swift.min(oh, budget / Swift.max(kdim * ow, 1))) * ow
    }

    /// Replays one layer's forward pass on `floats` input floats; leaves its output allocated
    /// (and, with `keep`, everything its pullback holds) and returns the output floats and size.
    func forward(_ layer: UNetLayer, n: Int, floats x: Int, height: Int, width: Int, keep: Bool,
                 _ m: inout MemoryTally) -> (Int, Int, Int) {
        switch layer {
        case let .conv(c):
            let (oh, ow) = c.outputSize(height: height, width: width)
            m.alloc(n * c.outChannels * oh * ow)
            m.scratch(convScratch(c, n: n, height: height, width: width))
            return (n * c.outChannels * oh * ow, oh, ow)
        case let .res(r):
            let (oh, ow) = r.resample == .up ? (2 * height, 2 * width) : r.resample == .down ? (height / 2, width / 2) : (height, width)
            let cin = r.inConv.inChannels, cout = r.inConv.outChannels
            let sr = n * cin * oh * ow, so = n * cout * oh * ow
            m.alloc(x)                                         // h1 = SiLU(GN(x))
            var h1 = x, xr = 0
            if r.resample != .none { m.alloc(sr); m.free(x); h1 = sr; m.alloc(sr); xr = sr }
            m.alloc(so)                                        // h2
            m.scratch(convScratch(r.inConv, n: n, height: oh, width: ow))
            if !keep { m.free(h1) }
            m.alloc(so)                                        // h3
            if !keep { m.free(so) }
            m.alloc(so)                                        // y
            m.scratch(convScratch(r.outConv, n: n, height: oh, width: ow))
            if !keep { m.free(so) }
            if r.skip != nil { m.scratch(so) }
            if !keep { m.free(xr) }
            return (so, oh, ow)
        case let .attention(a):
            let t = height * width, c = a.norm.channels
            m.alloc(n * c * t); m.alloc(3 * n * c * t); m.free(n * c * t)   // GN, then qkv
            m.alloc(n * c * t); m.scratch(t * t)                            // attention
            m.alloc(n * c * t); m.free(n * c * t)                           // projection
            if !keep { m.free(3 * n * c * t) }
            return (n * c * t, height, width)
        case let .down(c):
            let (oh, ow) = (height / 2, width / 2), ch = x / Swift.max(height * width, 1)
            m.alloc(ch * oh * ow)
            if let c { m.scratch(convScratch(c, n: n, height: height, width: width)) }
            return (ch * oh * ow, oh, ow)
        case let .up(c):
            let u = 4 * x
            m.alloc(u)
            if let c {
                m.alloc(u)
                m.scratch(convScratch(c, n: n, height: 2 * height, width: 2 * width))
                m.free(u)                  // the upsampled input is not kept
            }
            return (u, 2 * height, 2 * width)
        }
    }

    /// Replays one layer's pullback for the output gradient `dy` floats; leaves the input
    /// gradient allocated and returns its floats.
    func gradient(_ layer: UNetLayer, n: Int, inFloats x: Int, height: Int, width: Int, dy: Int,
                  _ m: inout MemoryTally) -> Int {
        switch layer {
        case let .conv(c):
            m.alloc(x)
            m.scratch(convScratch(c, n: n, height: height, width: width))
        case let .res(r):
            let (oh, ow) = r.resample == .up ? (2 * height, 2 * width) : r.resample == .down ? (height / 2, width / 2) : (height, width)
            let sr = n * r.inConv.inChannels * oh * ow, dxr = r.skip == nil ? 0 : sr
            m.alloc(dy); m.scratch(convScratch(r.outConv, n: n, height: oh, width: ow))   // dh3
            m.alloc(dy); m.free(dy)                                                      // dh2
            m.alloc(sr); m.scratch(convScratch(r.inConv, n: n, height: oh, width: ow))   // dh1
            m.free(dy)
            m.alloc(dxr)                                                                 // skip branch
            if r.resample != .none {
                m.alloc(2 * x); m.free(sr + dxr); m.alloc(x); m.free(2 * x)              // resampled back, dx
            } else {
                m.alloc(x); m.free(sr + dxr)                                             // dx
            }
        case let .attention(a):
            let t = height * width, c = a.norm.channels * n * t
            m.alloc(c); m.alloc(3 * c); m.scratch(2 * t * t); m.free(c)                  // da, dqkv
            m.alloc(c); m.free(3 * c); m.alloc(c); m.free(c)                             // dnormed, dx
        case let .down(c):
            m.alloc(x)
            if let c { m.scratch(convScratch(c, n: n, height: height, width: width)) }
        case let .up(c):
            if let c { m.alloc(4 * x); m.scratch(convScratch(c, n: n, height: 2 * height, width: 2 * width)); m.alloc(x); m.free(4 * x) } else { m.alloc(x) }
        }
        return x
    }
}
