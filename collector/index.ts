/** The face of collector/: what other folders may import from it. */
