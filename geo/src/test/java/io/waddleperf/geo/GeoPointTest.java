package io.waddleperf.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GeoPointTest {

    @Test
    void measures_great_circle_distances() {
        GeoPoint paris = new GeoPoint(48.8566, 2.3522);
        GeoPoint london = new GeoPoint(51.5074, -0.1278);
        // ~343.5 km on the mean-radius sphere
        assertThat(paris.distanceKm(london)).isCloseTo(343.5, within(1.0));
        assertThat(paris.distanceMiles(london)).isCloseTo(343.5 / 1.609344, within(1.0));
        assertThat(paris.distanceKm(paris)).isZero();
        // antipodes: half the circumference
        assertThat(new GeoPoint(0, 0).distanceKm(new GeoPoint(0, 180))).isCloseTo(Math.PI * 6371.0088, within(0.01));
    }

    @Test
    void refuses_coordinates_off_the_globe() {
        assertThatThrownBy(() -> new GeoPoint(91, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GeoPoint(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
