; Golden NVVM IR of the 'math' test kernel (tests/nvvm/test_kernels.h).
; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test
; CHECK: ; NVVM IR written by gpuc (LLVM 7 typed-pointer dialect)
; CHECK-NEXT: target datalayout = "e-p:64:64:64-p3:32:32:32-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64"
; CHECK-NEXT: target triple = "nvptx64-nvidia-cuda"
; CHECK-EMPTY:
; CHECK-NEXT: declare double @__nv_exp2(double)
; CHECK-NEXT: declare float @__nv_expf(float)
; CHECK-NEXT: declare float @__nv_fabsf(float)
; CHECK-NEXT: declare float @__nv_fast_expf(float)
; CHECK-NEXT: declare float @__nv_fast_fdividef(float, float)
; CHECK-NEXT: declare float @__nv_fast_sinf(float)
; CHECK-NEXT: declare float @__nv_floorf(float)
; CHECK-NEXT: declare float @__nv_fmaf(float, float, float)
; CHECK-NEXT: declare float @__nv_logf(float)
; CHECK-NEXT: declare float @__nv_powf(float, float)
; CHECK-NEXT: declare float @__nv_roundf(float)
; CHECK-NEXT: declare float @__nv_rsqrtf(float)
; CHECK-NEXT: declare double @__nv_sin(double)
; CHECK-NEXT: declare void @__nv_sincosf(float, float*, float*)
; CHECK-NEXT: declare float @__nv_sqrtf(float)
; CHECK-NEXT: declare float @__nv_tanhf(float)
; CHECK-NEXT: declare i32 @llvm.bitreverse.i32(i32)
; CHECK-NEXT: declare i32 @llvm.ctlz.i32(i32, i1)
; CHECK-NEXT: declare i32 @llvm.ctpop.i32(i32)
; CHECK-NEXT: declare i32 @llvm.cttz.i32(i32, i1)
; CHECK-NEXT: declare float @llvm.maxnum.f32(float, float)
; CHECK-NEXT: declare float @llvm.minnum.f32(float, float)
; CHECK-NEXT: declare i32 @llvm.nvvm.mulhi.i(i32, i32)
; CHECK-NEXT: declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()
; CHECK-EMPTY:
; CHECK-NEXT: define void @math(float addrspace(1)* %p0, double addrspace(1)* %p1, i32 addrspace(1)* %p2) {
; CHECK-NEXT: entry:
; CHECK-NEXT:   %t12 = alloca float, align 4
; CHECK-NEXT:   %t13 = alloca float, align 4
; CHECK-NEXT:   %t77 = alloca i32, align 4
; CHECK-NEXT:   %t78 = alloca i32, align 4
; CHECK-NEXT:   %t0 = call i32 @llvm.nvvm.read.ptx.sreg.tid.x(), !range !0
; CHECK-NEXT:   %t1 = zext i32 %t0 to i64
; CHECK-NEXT:   %t2 = getelementptr inbounds float, float addrspace(1)* %p0, i64 %t1
; CHECK-NEXT:   %t3 = load float, float addrspace(1)* %t2, align 4
; CHECK-NEXT:   %t4 = call float @__nv_sqrtf(float %t3)
; CHECK-NEXT:   %t5 = fadd float %t3, %t4
; CHECK-NEXT:   %t6 = call float @__nv_rsqrtf(float %t3)
; CHECK-NEXT:   %t7 = fadd float %t5, %t6
; CHECK-NEXT:   %t8 = call float @__nv_expf(float %t3)
; CHECK-NEXT:   %t9 = fadd float %t7, %t8
; CHECK-NEXT:   %t10 = call float @__nv_logf(float %t3)
; CHECK-NEXT:   %t11 = fadd float %t9, %t10
; CHECK-NEXT:   call void @__nv_sincosf(float %t3, float* %t12, float* %t13)
; CHECK-NEXT:   %t14 = load float, float* %t12, align 4
; CHECK-NEXT:   %t15 = load float, float* %t13, align 4
; CHECK-NEXT:   %t16 = fadd float %t11, %t14
; CHECK-NEXT:   %t17 = fadd float %t16, %t15
; CHECK-NEXT:   %t18 = call float @__nv_tanhf(float %t3)
; CHECK-NEXT:   %t19 = fadd float %t17, %t18
; CHECK-NEXT:   %t20 = call float @__nv_floorf(float %t3)
; CHECK-NEXT:   %t21 = fadd float %t19, %t20
; CHECK-NEXT:   %t22 = call float @__nv_roundf(float %t3)
; CHECK-NEXT:   %t23 = fadd float %t21, %t22
; CHECK-NEXT:   %t24 = call float @__nv_fabsf(float %t3)
; CHECK-NEXT:   %t25 = fadd float %t23, %t24
; CHECK-NEXT:   %t26 = call float @__nv_fast_expf(float %t3)
; CHECK-NEXT:   %t27 = fadd float %t25, %t26
; CHECK-NEXT:   %t28 = call float @__nv_fast_sinf(float %t3)
; CHECK-NEXT:   %t29 = fadd float %t27, %t28
; CHECK-NEXT:   %t30 = call float @__nv_powf(float %t3, float %t29)
; CHECK-NEXT:   %t31 = fadd float %t29, %t30
; CHECK-NEXT:   %t32 = call float @__nv_fast_fdividef(float %t3, float %t31)
; CHECK-NEXT:   %t33 = fadd float %t31, %t32
; CHECK-NEXT:   %t34 = call float @llvm.minnum.f32(float %t3, float %t33)
; CHECK-NEXT:   %t35 = call float @llvm.maxnum.f32(float %t33, float %t34)
; CHECK-NEXT:   %t36 = fsub float 0x8000000000000000, %t3
; CHECK-NEXT:   %t37 = call float @__nv_fmaf(float %t35, float %t3, float %t36)
; CHECK-NEXT:   %t38 = fcmp uno float %t37, %t37
; CHECK-NEXT:   %t39 = select i1 %t38, float 0x0000000000000000, float %t37
; CHECK-NEXT:   %t40 = zext i32 %t0 to i64
; CHECK-NEXT:   %t41 = getelementptr inbounds float, float addrspace(1)* %p0, i64 %t40
; CHECK-NEXT:   store float %t39, float addrspace(1)* %t41, align 4
; CHECK-NEXT:   %t42 = zext i32 %t0 to i64
; CHECK-NEXT:   %t43 = getelementptr inbounds double, double addrspace(1)* %p1, i64 %t42
; CHECK-NEXT:   %t44 = load double, double addrspace(1)* %t43, align 8
; CHECK-NEXT:   %t45 = call double @__nv_exp2(double %t44)
; CHECK-NEXT:   %t46 = call double @__nv_sin(double %t44)
; CHECK-NEXT:   %t47 = fadd double %t46, %t45
; CHECK-NEXT:   %t48 = fpext float %t3 to double
; CHECK-NEXT:   %t49 = fdiv double %t47, %t48
; CHECK-NEXT:   %t50 = zext i32 %t0 to i64
; CHECK-NEXT:   %t51 = getelementptr inbounds double, double addrspace(1)* %p1, i64 %t50
; CHECK-NEXT:   store double %t49, double addrspace(1)* %t51, align 8
; CHECK-NEXT:   %t52 = zext i32 %t0 to i64
; CHECK-NEXT:   %t53 = getelementptr inbounds i32, i32 addrspace(1)* %p2, i64 %t52
; CHECK-NEXT:   %t54 = load i32, i32 addrspace(1)* %t53, align 4
; CHECK-NEXT:   %t55 = call i32 @llvm.ctlz.i32(i32 %t54, i1 false)
; CHECK-NEXT:   %t56 = call i32 @llvm.ctpop.i32(i32 %t54)
; CHECK-NEXT:   %t57 = add nsw i32 %t56, %t55
; CHECK-NEXT:   %t58 = call i32 @llvm.cttz.i32(i32 %t54, i1 true)
; CHECK-NEXT:   %t59 = add i32 %t58, 1
; CHECK-NEXT:   %t60 = icmp eq i32 %t54, 0
; CHECK-NEXT:   %t61 = select i1 %t60, i32 0, i32 %t59
; CHECK-NEXT:   %t62 = add nsw i32 %t57, %t61
; CHECK-NEXT:   %t63 = call i32 @llvm.bitreverse.i32(i32 %t54)
; CHECK-NEXT:   %t64 = xor i32 %t62, %t63
; CHECK-NEXT:   %t65 = call i32 @llvm.nvvm.mulhi.i(i32 %t54, i32 %t64)
; CHECK-NEXT:   %t66 = add nsw i32 %t64, %t65
; CHECK-NEXT:   %t67 = sub i32 0, %t54
; CHECK-NEXT:   %t68 = icmp slt i32 %t54, 0
; CHECK-NEXT:   %t69 = select i1 %t68, i32 %t67, i32 %t54
; CHECK-NEXT:   %t70 = add nsw i32 %t66, %t69
; CHECK-NEXT:   %t71 = srem i32 %t54, 7
; CHECK-NEXT:   %t72 = sdiv i32 %t70, %t71
; CHECK-NEXT:   %t73 = fptosi double %t49 to i32
; CHECK-NEXT:   %t74 = add nsw i32 %t72, %t73
; CHECK-NEXT:   %t75 = bitcast float %t3 to i32
; CHECK-NEXT:   %t76 = add nsw i32 %t74, %t75
; CHECK-NEXT:   store i32 0, i32* %t77, align 4
; CHECK-NEXT:   store i32 %t76, i32* %t78, align 4
; CHECK-NEXT:   br label %loop.0
; CHECK-NEXT: loop.0:
; CHECK-NEXT:   %t79 = load i32, i32* %t77, align 4
; CHECK-NEXT:   %t80 = mul nsw i32 %t79, %t54
; CHECK-NEXT:   %t81 = load i32, i32* %t78, align 4
; CHECK-NEXT:   %t82 = add nsw i32 %t81, %t80
; CHECK-NEXT:   store i32 %t82, i32* %t78, align 4
; CHECK-NEXT:   br label %cont.1
; CHECK-NEXT: cont.1:
; CHECK-NEXT:   %t83 = load i32, i32* %t77, align 4
; CHECK-NEXT:   %t84 = add nsw i32 %t83, 1
; CHECK-NEXT:   store i32 %t84, i32* %t77, align 4
; CHECK-NEXT:   %t85 = icmp sge i32 %t84, 4
; CHECK-NEXT:   br i1 %t85, label %endloop.2, label %loop.0, !llvm.loop !2
; CHECK-NEXT: endloop.2:
; CHECK-NEXT:   %t86 = load i32, i32* %t78, align 4
; CHECK-NEXT:   %t87 = ashr i32 %t86, 3
; CHECK-NEXT:   %t88 = xor i32 %t87, -1
; CHECK-NEXT:   %t89 = zext i32 %t0 to i64
; CHECK-NEXT:   %t90 = getelementptr inbounds i32, i32 addrspace(1)* %p2, i64 %t89
; CHECK-NEXT:   store i32 %t88, i32 addrspace(1)* %t90, align 4
; CHECK-NEXT:   ret void
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-EMPTY:
; CHECK-NEXT: !nvvm.annotations = !{!3}
; CHECK-NEXT: !nvvmir.version = !{!4}
; CHECK-EMPTY:
; CHECK-NEXT: !0 = !{i32 0, i32 1024}
; CHECK-NEXT: !1 = !{!"llvm.loop.unroll.full"}
; CHECK-NEXT: !2 = distinct !{!2, !1}
; CHECK-NEXT: !3 = !{void (float addrspace(1)*, double addrspace(1)*, i32 addrspace(1)*)* @math, !"kernel", i32 1}
; CHECK-NEXT: !4 = !{i32 2, i32 0}
