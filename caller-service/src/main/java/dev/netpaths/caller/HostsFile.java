package dev.netpaths.caller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** hosts(5) look-ups: every address listed for a name, in file order. */
final class HostsFile {
    private HostsFile() {
    }

    static List<InetAddress> lookup(Path file, String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<InetAddress> found = new ArrayList<>();
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] words = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
            if (words.length < 2) {
                continue;
            }
            Optional<InetAddress> address = IpLiteral.parse(words[0]);
            for (int i = 1; i < words.length && address.isPresent(); i++) {
                if (words[i].equalsIgnoreCase(name) && !found.contains(address.get())) {
                    found.add(address.get());
                }
            }
        }
        return found;
    }
}
