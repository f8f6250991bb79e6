/** The face of demo/: what other folders may import from it. */
