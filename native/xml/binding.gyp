{
  "targets": [
    {
      "target_name": "sluice_xml",
      "sources": ["src/addon.c", "src/errors.c", "src/safety.c", "src/validate.c", "src/xpath.c", "src/xslt.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2", "<!@(pkg-config --cflags libxml-2.0 libxslt libexslt)"],
      "libraries": ["<!@(pkg-config --libs libxml-2.0 libxslt libexslt)"]
    }
  ]
}
