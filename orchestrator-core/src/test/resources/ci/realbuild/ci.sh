#!/bin/sh
# Compiles the project and its tests, then runs them with the one-file runner, which writes
# Surefire-shaped reports to target/surefire-reports. Needs JAVA_HOME; no network.
set -e
rm -rf build
mkdir -p build/classes
"$JAVA_HOME/bin/javac" -d build/classes src/*.java test/*.java
"$JAVA_HOME/bin/java" -cp build/classes tools/Runner.java target/surefire-reports CalcTest
