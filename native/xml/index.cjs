// Loads the compiled addon; requiring this package fails when the build did not happen.
'use strict'
module.exports = require('./build/Release/sluice_xml.node')
