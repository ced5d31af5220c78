package io.waddleperf.manager.auth;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.imageio.ImageIO;

/** A QR code as a black-on-white PNG image (for the otpauth URI an authenticator app scans). */
public final class QrPng {

    /** Pixels per QR module: a version 7-10 code (an otpauth URI) comes out about 300 px wide. */
    static final int MODULE_PIXELS = 6;
    /** The quiet zone around the code, in modules (ISO/IEC 18004 asks for 4). */
    static final int QUIET_ZONE = 4;

    private QrPng() {
    }

    /** The PNG bytes of a QR code holding {@code text} (error correction level M). */
    public static byte[] of(String text) {
        BitMatrix matrix;
        try {
            // size 0: the writer makes one pixel per module; scaling here keeps modules whole pixels
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, QUIET_ZONE,
                            EncodeHintType.CHARACTER_SET, "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalArgumentException("text too long for a QR code (" + text.length() + " characters)", e);
        }
        int w = matrix.getWidth() * MODULE_PIXELS;
        int h = matrix.getHeight() * MODULE_PIXELS;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, matrix.get(x / MODULE_PIXELS, y / MODULE_PIXELS) ? 0x000000 : 0xFFFFFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory", e);
        }
        return out.toByteArray();
    }
}
