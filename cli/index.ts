/** The face of cli/: what other folders may import from it. */
