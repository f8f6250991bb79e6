/** The face of api/: what other folders may import from it. */
