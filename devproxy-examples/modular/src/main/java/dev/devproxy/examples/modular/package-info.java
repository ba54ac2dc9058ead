/** A program that uses DevProxy from a named module. */
package dev.devproxy.examples.modular;
