/** The face of app/: what other folders may import from it. */
